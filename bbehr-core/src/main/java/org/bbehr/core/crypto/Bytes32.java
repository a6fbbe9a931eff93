package org.bbehr.core.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** Exactly 32 bytes: a hash, a Merkle root, a transaction hash. Immutable. */
public final class Bytes32 {

    private static final SecureRandom RANDOM = new SecureRandom();
    public static final Bytes32 ZERO = new Bytes32(new byte[32]);

    private final byte[] bytes;

    private Bytes32(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Bytes32 wrap(byte[] bytes) {
        if (bytes == null || bytes.length != 32) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "expected 32 bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        return new Bytes32(bytes.clone());
    }

    public static Bytes32 fromHex(String hex) {
        return wrap(Hex.decode(hex));
    }

    public static Bytes32 random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new Bytes32(bytes);
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    public String toHex() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes32 that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
