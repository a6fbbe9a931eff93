package org.bbehr.store.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.ResourceKey;

/**
 * One resource's data key (a Tink AES-256-GCM keyset). A version is sealed as {@code salt ‖ content} under the
 * associated data {@code type/id/version}, so a ciphertext moved to another row does not open.
 */
public final class DataKey {

    /** Bytes of random salt stored, encrypted, in front of each version's content. */
    public static final int SALT_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeysetHandle keyset;
    private final Aead aead;

    DataKey(KeysetHandle keyset) {
        this.keyset = keyset;
        try {
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a data keyset gives no AEAD", e);
        }
    }

    /** A new random data key. */
    public static DataKey generate() {
        NodeKeys.registerTink();
        try {
            return new DataKey(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an AES-256-GCM key", e);
        }
    }

    KeysetHandle keyset() {
        return keyset;
    }

    /** Encrypts a version's content behind a new random salt. */
    public byte[] seal(ResourceKey key, long version, byte[] content) {
        return seal(key, version, newSalt(), content);
    }

    /** Encrypts a version's content behind {@code salt} (the salt of its content hash). */
    public byte[] seal(ResourceKey key, long version, byte[] salt, byte[] content) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a salt has " + SALT_BYTES + " bytes");
        }
        byte[] plaintext = new byte[SALT_BYTES + content.length];
        System.arraycopy(salt, 0, plaintext, 0, SALT_BYTES);
        System.arraycopy(content, 0, plaintext, SALT_BYTES, content.length);
        try {
            return aead.encrypt(plaintext, associatedData(key, version));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** A new random salt for a version. */
    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /**
     * Decrypts a version sealed by {@link #seal}.
     *
     * @throws BbehrException {@code RECORD_TAMPERED} when the ciphertext was altered or belongs to another version
     */
    public Plaintext open(ResourceKey key, long version, byte[] ciphertext) {
        byte[] plaintext;
        try {
            plaintext = aead.decrypt(ciphertext, associatedData(key, version));
        } catch (GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.RECORD_TAMPERED, key + " version " + version
                    + " does not decrypt: its stored ciphertext was altered or moved from another version");
        }
        if (plaintext.length < SALT_BYTES) {
            throw new BbehrException(ErrorCode.RECORD_TAMPERED, key + " version " + version + " has no salt");
        }
        return new Plaintext(Arrays.copyOf(plaintext, SALT_BYTES),
                Arrays.copyOfRange(plaintext, SALT_BYTES, plaintext.length));
    }

    /**
     * Seals the digest of a version's index rows under this data key, so rows edited, added or removed in the
     * database no longer match it.
     */
    public byte[] sealIndex(ResourceKey key, long version, byte[] digest) {
        try {
            return aead.encrypt(digest, indexAssociatedData(key, version));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Whether {@code seal} is {@link #sealIndex}'s seal of exactly {@code digest} for this version. */
    public boolean indexSealMatches(ResourceKey key, long version, byte[] digest, byte[] seal) {
        try {
            return java.security.MessageDigest.isEqual(aead.decrypt(seal, indexAssociatedData(key, version)), digest);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] indexAssociatedData(ResourceKey key, long version) {
        return ("index:" + key + "/" + version).getBytes(UTF_8);
    }

    private static byte[] associatedData(ResourceKey key, long version) {
        return (key + "/" + version).getBytes(UTF_8);
    }

    /** A decrypted version: the salt of its content hash and the content itself. */
    public record Plaintext(byte[] salt, byte[] content) {}
}
