package org.bbehr.store.crypto;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key-encryption key that lives in an HSM, reached through PKCS#11 (the JDK's SunPKCS11 provider): an AES-256 key
 * the token will not let out, used for AES-GCM inside the token. The node never holds the key's bytes, so a copy of
 * the data directory and the database, or a memory dump of the node, does not give the records away; using the key
 * needs the token and its PIN. Made in the token on the first start if the token has no key of that label.
 *
 * <p>Such a KEK is not rotated by {@code bbehr keys rotate-kek} (rotate it with the HSM's own tools) and is not in a
 * key backup (back the token up as its vendor says).
 */
public final class Pkcs11Kek {

    private static final Logger log = LoggerFactory.getLogger(Pkcs11Kek.class);
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private Pkcs11Kek() {}

    /**
     * @param config a SunPKCS11 configuration file ({@code name}, {@code library}, {@code slot} or
     *     {@code slotListIndex}: see the JDK's PKCS#11 reference guide)
     * @param pin the token's user PIN
     * @param label the key's alias in the token
     */
    public static Kek open(Path config, char[] pin, String label) {
        if (!Files.isRegularFile(config)) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "no PKCS#11 configuration at " + config);
        }
        Provider provider;
        try {
            provider = Security.getProvider("SunPKCS11").configure(config.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "cannot load the PKCS#11 token of " + config + ": "
                    + rootMessage(e), e);
        }
        try {
            KeyStore token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, pin);
            Key key = token.getKey(label, null);
            if (key == null) {
                KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
                generator.init(256);
                SecretKey made = generator.generateKey();
                token.setEntry(label, new KeyStore.SecretKeyEntry(made), null);
                key = token.getKey(label, null);
                log.info("made the key-encryption key '{}' in the PKCS#11 token; back the token up", label);
            }
            if (!(key instanceof SecretKey secret) || !"AES".equals(key.getAlgorithm())) {
                throw new BbehrException(ErrorCode.KEYS_MISSING, "the PKCS#11 token's key '" + label
                        + "' is not an AES key");
            }
            return new Kek(new TokenAead(provider, secret), idOf(label));
        } catch (IOException | GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "cannot open the key '" + label + "' in the PKCS#11"
                    + " token of " + config + ": " + rootMessage(e), e);
        }
    }

    /** Reads a PIN: the first line of {@code file}. */
    public static char[] pinFrom(Path file) {
        try {
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            return first.strip().toCharArray();
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "cannot read the PKCS#11 PIN from " + file, e);
        }
    }

    /** The key's id in {@code data_keys.kek_id}: fixed by its label. */
    private static int idOf(String label) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("pkcs11:" + label).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getInt();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** AES-GCM in the token: a fresh 12-byte nonce, then the ciphertext and its 16-byte tag. */
    private record TokenAead(Provider provider, SecretKey key) implements Aead {

        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            byte[] nonce = new byte[NONCE];
            new SecureRandom().nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return out;
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            if (ciphertext.length < NONCE + TAG_BITS / 8) {
                throw new GeneralSecurityException("ciphertext too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(ciphertext, NONCE, ciphertext.length - NONCE);
        }
    }
}
