package org.bbehr.core.record;

import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Keccak;

/**
 * A version's content hash, {@code keccak256(salt ‖ bytes)}: {@code bytes} are the exact stored JSON bytes and
 * {@code salt} the version's random 32 bytes, kept encrypted with it, so that a hash can't be brute-forced back to a
 * small record. Anchor details shown on read are never part of {@code bytes}.
 */
public final class ContentHash {

    public static final int SALT_BYTES = 32;

    private ContentHash() {}

    public static Bytes32 of(byte[] salt, byte[] content) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a salt has " + SALT_BYTES + " bytes, not " + salt.length);
        }
        return Keccak.hash(salt, content);
    }
}
