package org.bbehr.store.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.security.GeneralSecurityException;
import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.ResourceKey;

/**
 * The key-encryption key as it is at one moment: wraps data keys under its primary key and unwraps them with any of
 * its keys. After a rotation retires old keys, this process still holds them in {@code retired} (never on disk), so
 * a read that fetched a data key wrapped by an old key just before the rotation finished still succeeds.
 */
public final class Kek {

    private final KeysetHandle keyset;
    private final Aead aead;
    private final Aead retired;
    /** The id of a KEK kept outside a keyset (in an HSM), else 0. */
    private final int tokenKeyId;

    /** A KEK in an HSM: {@code aead} runs in the token, {@code id} names the key in {@code data_keys.kek_id}. */
    Kek(Aead aead, int id) {
        this.keyset = null;
        this.aead = aead;
        this.retired = null;
        this.tokenKeyId = id;
    }

    Kek(KeysetHandle keyset, Aead retired) {
        this.keyset = keyset;
        this.retired = retired;
        this.tokenKeyId = 0;
        try {
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, "the key-encryption keyset is not an AEAD keyset", e);
        }
    }

    /**
     * The Tink keyset, for rotation and backup.
     *
     * @throws BbehrException {@code KEYS_NOT_WRITABLE} for a KEK in an HSM: it is rotated and backed up with the HSM's
     *     own tools
     */
    KeysetHandle keyset() {
        if (keyset == null) {
            throw new BbehrException(ErrorCode.KEYS_NOT_WRITABLE, "the key-encryption key is in an HSM (PKCS#11):"
                    + " rotate and back it up with the HSM's own tools");
        }
        return keyset;
    }

    /** Whether the KEK is in an HSM rather than a Tink keyset file. */
    public boolean inToken() {
        return keyset == null;
    }

    Aead aead() {
        return aead;
    }

    /** The Tink key id of the key that wraps new data keys. */
    public int primaryId() {
        return keyset == null ? tokenKeyId : keyset.getPrimary().getId();
    }

    /** Whether the keyset holds the key with Tink key id {@code keyId}. */
    public boolean holds(int keyId) {
        if (keyset == null) {
            return keyId == tokenKeyId;
        }
        for (int i = 0; i < keyset.size(); i++) {
            if (keyset.getAt(i).getId() == keyId) {
                return true;
            }
        }
        return false;
    }

    /** How many keys the keyset holds: more than one while a rotation is unfinished. */
    public int size() {
        return keyset == null ? 1 : keyset.size();
    }

    /**
     * Seals {@code value} under the primary key, bound to {@code context}: a MAC from a key the database does not
     * hold (e.g. over an erasure's marker).
     */
    public byte[] seal(String context, byte[] value) {
        try {
            return aead.encrypt(value, ("seal:" + context).getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal", e);
        }
    }

    /** Whether {@code seal} is {@link #seal}'s seal of exactly {@code value} in {@code context}, by any held key. */
    public boolean sealMatches(String context, byte[] value, byte[] seal) {
        if (seal == null) {
            return false;
        }
        byte[] associated = ("seal:" + context).getBytes(UTF_8);
        for (Aead with : retired == null ? List.of(aead) : List.of(aead, retired)) {
            try {
                return java.security.MessageDigest.isEqual(with.decrypt(seal, associated), value);
            } catch (GeneralSecurityException e) {
                // not this key's
            }
        }
        return false;
    }

    /** Wraps a resource's data key under the primary key, bound to the resource. */
    public byte[] wrap(ResourceKey key, DataKey dataKey) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey.keyset(), aead, associatedData(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap a data key", e);
        }
    }

    /**
     * Unwraps a resource's data key.
     *
     * @throws BbehrException {@code RECORD_TAMPERED} when the wrapped key was altered, belongs to another resource or
     *     was wrapped by a key this keyset does not hold
     */
    public DataKey unwrap(ResourceKey key, byte[] wrapped) {
        try {
            return unwrapWith(aead, key, wrapped);
        } catch (GeneralSecurityException e) {
            if (retired == null) {
                throw tampered(key);
            }
        }
        try {
            return unwrapWith(retired, key, wrapped);
        } catch (GeneralSecurityException e) {
            throw tampered(key);
        }
    }

    private static DataKey unwrapWith(Aead with, ResourceKey key, byte[] wrapped) throws GeneralSecurityException {
        return new DataKey(TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, with, associatedData(key)));
    }

    private static BbehrException tampered(ResourceKey key) {
        return new BbehrException(ErrorCode.RECORD_TAMPERED, "the data key of " + key
                + " does not unwrap: it was altered, moved from another resource, or wrapped by a key-encryption key"
                + " this node does not hold");
    }

    private static byte[] associatedData(ResourceKey key) {
        return key.toString().getBytes(UTF_8);
    }
}
