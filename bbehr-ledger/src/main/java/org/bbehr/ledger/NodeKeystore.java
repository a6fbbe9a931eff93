package org.bbehr.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;

/** A node's signing key in an encrypted Web3 Secret Storage (v3) keystore file, with scrypt. */
public final class NodeKeystore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeKeystore() {}

    /** Creates a new key and writes it, encrypted with {@code password}, to {@code file}; refuses to overwrite. */
    public static Address create(Path file, char[] password) {
        if (Files.exists(file)) {
            throw new BbehrException(ErrorCode.KEYSTORE_EXISTS, "a keystore already exists at " + file
                    + "; move it away first (it may hold the only copy of a key)");
        }
        try {
            ECKeyPair keyPair = Keys.createEcKeyPair();
            WalletFile wallet = Wallet.createStandard(new String(password), keyPair);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".keystore", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            JSON.writeValue(temporary.toFile(), wallet);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            return Address.of(wallet.getAddress());
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.KEYSTORE_INVALID, "cannot write the keystore " + file + ": "
                    + e.getMessage(), e);
        } catch (CipherException | java.security.GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.KEYSTORE_INVALID, "cannot create a key: " + e.getMessage(), e);
        }
    }

    /** The keystore's address, read without decrypting it. */
    public static Address address(Path file) {
        return Address.of(read(file).getAddress());
    }

    /** Decrypts the key. A wrong password throws {@link ErrorCode#KEYSTORE_WRONG_PASSWORD}. */
    public static Credentials unlock(Path file, char[] password) {
        WalletFile wallet = read(file);
        try {
            return Credentials.create(Wallet.decrypt(new String(password), wallet));
        } catch (CipherException e) {
            throw new BbehrException(ErrorCode.KEYSTORE_WRONG_PASSWORD, "wrong password for the keystore " + file);
        }
    }

    private static WalletFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BbehrException(ErrorCode.KEYSTORE_NOT_FOUND, "no keystore at " + file);
        }
        try {
            WalletFile wallet = JSON.readValue(file.toFile(), WalletFile.class);
            if (wallet.getAddress() == null || wallet.getCrypto() == null) {
                throw new BbehrException(ErrorCode.KEYSTORE_INVALID, file + " is not a Web3 Secret Storage keystore");
            }
            return wallet;
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.KEYSTORE_INVALID, file + " is not a Web3 Secret Storage keystore: "
                    + e.getMessage(), e);
        }
    }
}
