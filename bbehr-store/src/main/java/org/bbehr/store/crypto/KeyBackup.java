package org.bbehr.store.crypto;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * A backup of a node's two keysets in one file, encrypted with a key derived from a passphrase (scrypt, then
 * AES-256-GCM). The file also carries a SHA-256 checksum of its encrypted part, so a damaged file is told apart from a
 * wrong passphrase. {@code bbehr keys backup} and {@code bbehr keys restore} call this class.
 */
public final class KeyBackup {

    private static final String FORMAT = "bbehr-key-backup";
    private static final int VERSION = 1;
    private static final int SCRYPT_N = 1 << 17;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;
    private static final int MAX_SCRYPT_N = 1 << 20;
    private static final Gson GSON = new Gson();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The file's fields, as JSON. */
    private record BackupFile(String format, int version, String kdf, int n, int r, int p, String salt,
            String cipher, String nonce, String ciphertext, String checksum) {

        /** Everything the ciphertext depends on, bound to it as associated data and covered by the checksum. */
        String header() {
            return String.join("/", format, Integer.toString(version), kdf, Integer.toString(n), Integer.toString(r),
                    Integer.toString(p), salt, cipher, nonce);
        }
    }

    /** The encrypted content. */
    private record Keysets(String kek, String blindIndex) {}

    private KeyBackup() {}

    /**
     * Writes a backup of {@code keys} to {@code file} (mode 600); refuses to overwrite an existing file.
     *
     * @throws BbehrException {@code KEYS_EXIST} when {@code file} exists, {@code PASSWORD_MISSING} for an empty
     *     passphrase
     */
    public static void write(NodeKeys keys, Path file, char[] passphrase) {
        requirePassphrase(passphrase);
        if (Files.exists(file)) {
            throw new BbehrException(ErrorCode.KEYS_EXIST, "a file already exists at " + file
                    + "; choose another name for the backup");
        }
        byte[] salt = random(32);
        byte[] nonce = random(12);
        BackupFile unsealed = new BackupFile(FORMAT, VERSION, "scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P, base64(salt),
                "AES-256-GCM", base64(nonce), null, null);
        byte[] plaintext = GSON.toJson(new Keysets(keys.kekJson(), keys.blindIndexJson()))
                .getBytes(StandardCharsets.UTF_8);
        byte[] ciphertext = aesGcm(Cipher.ENCRYPT_MODE, derive(passphrase, unsealed), unsealed, plaintext);
        Arrays.fill(plaintext, (byte) 0);
        BackupFile sealed = new BackupFile(FORMAT, VERSION, "scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P, unsealed.salt(),
                unsealed.cipher(), unsealed.nonce(), base64(ciphertext), checksum(unsealed, ciphertext));
        SecretFiles.write(file, GSON.toJson(sealed));
    }

    /**
     * Restores the keysets of a backup into {@code <dataDir>/keys/} and loads them.
     *
     * @throws BbehrException {@code KEYS_WRONG_PASSPHRASE}, {@code KEYS_BACKUP_INVALID} for a missing or damaged file,
     *     {@code KEYS_EXIST} when the data directory already has keys
     */
    public static NodeKeys restore(Path file, char[] passphrase, Path dataDir) {
        requirePassphrase(passphrase);
        Path keysDir = NodeKeys.keysDir(dataDir);
        if (Files.exists(keysDir.resolve(NodeKeys.KEK_FILE)) || Files.exists(keysDir.resolve(NodeKeys.BLIND_INDEX_FILE))) {
            throw new BbehrException(ErrorCode.KEYS_EXIST, keysDir + " already holds keys; move them away first (they"
                    + " may be the only copy of other keys)");
        }
        BackupFile backup = read(file);
        byte[] ciphertext = decodeBase64(backup.ciphertext(), file);
        if (!MessageDigest.isEqual(checksum(backup, ciphertext).getBytes(StandardCharsets.US_ASCII),
                backup.checksum().getBytes(StandardCharsets.US_ASCII))) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, file + " is damaged: its checksum does not match");
        }
        byte[] plaintext = aesGcm(Cipher.DECRYPT_MODE, derive(passphrase, backup), backup, ciphertext);
        Keysets keysets = GSON.fromJson(new String(plaintext, StandardCharsets.UTF_8), Keysets.class);
        Arrays.fill(plaintext, (byte) 0);
        NodeKeys.parse(keysets.kek(), "the backup's key-encryption key");
        NodeKeys.parse(keysets.blindIndex(), "the backup's blind-index key");
        SecretFiles.write(keysDir.resolve(NodeKeys.KEK_FILE), keysets.kek());
        SecretFiles.write(keysDir.resolve(NodeKeys.BLIND_INDEX_FILE), keysets.blindIndex());
        return NodeKeys.load(dataDir);
    }

    private static BackupFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, "no key backup at " + file);
        }
        BackupFile backup;
        try {
            backup = GSON.fromJson(SecretFiles.read(file), BackupFile.class);
        } catch (JsonParseException e) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, file + " is not a BbEHR key backup (not JSON)");
        }
        if (backup == null || !FORMAT.equals(backup.format()) || backup.version() != VERSION
                || !"scrypt".equals(backup.kdf()) || !"AES-256-GCM".equals(backup.cipher())
                || backup.salt() == null || backup.nonce() == null || backup.ciphertext() == null
                || backup.checksum() == null) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, file + " is not a BbEHR key backup of version "
                    + VERSION);
        }
        if (backup.n() < 2 || backup.n() > MAX_SCRYPT_N || Integer.bitCount(backup.n()) != 1 || backup.r() < 1
                || backup.r() > 32 || backup.p() < 1 || backup.p() > 16) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, file + " has out-of-range scrypt parameters");
        }
        return backup;
    }

    private static byte[] derive(char[] passphrase, BackupFile backup) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            return SCrypt.generate(bytes, Base64.getDecoder().decode(backup.salt()), backup.n(), backup.r(),
                    backup.p(), 32);
        } catch (IllegalArgumentException e) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, "the backup's salt is not base64");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] aesGcm(int mode, byte[] key, BackupFile backup, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(128, Base64.getDecoder().decode(backup.nonce())));
            cipher.updateAAD(backup.header().getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new BbehrException(ErrorCode.KEYS_WRONG_PASSPHRASE, "wrong passphrase for this key backup");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, "the key backup cannot be decrypted: "
                    + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static String checksum(BackupFile backup, byte[] ciphertext) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(backup.header().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            return HexFormat.of().formatHex(sha256.digest(ciphertext));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void requirePassphrase(char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new BbehrException(ErrorCode.PASSWORD_MISSING, "a key backup needs a passphrase");
        }
    }

    private static byte[] decodeBase64(String value, Path file) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new BbehrException(ErrorCode.KEYS_BACKUP_INVALID, file + " is damaged: its ciphertext is not base64");
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
