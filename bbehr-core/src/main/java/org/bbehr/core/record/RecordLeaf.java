package org.bbehr.core.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Keccak;

/**
 * The Merkle leaf of a record version, as {@code RecordAnchor.recordLeaf} computes it:
 * {@code keccak256(bytes.concat(keccak256(abi.encode(uint32 hospitalId, string type, string id, uint64 version,
 * bytes32 contentHash))))}. Erasure markers use the same form (see {@link ErasureMarker}).
 */
public record RecordLeaf(int hospitalId, ResourceKey key, long version, Bytes32 contentHash) {

    private static final int WORD = 32;

    /** The double-hashed leaf. */
    public Bytes32 hash() {
        return Keccak.hash(Keccak.hash(abiEncode()).toArray());
    }

    /** {@code abi.encode(uint32, string, string, uint64, bytes32)} of this leaf. */
    byte[] abiEncode() {
        byte[] type = key.type().getBytes(UTF_8);
        byte[] id = key.id().getBytes(UTF_8);
        int typeTail = WORD + padded(type.length);
        int size = 5 * WORD + typeTail + WORD + padded(id.length);
        ByteBuffer out = ByteBuffer.allocate(size);
        putUnsigned(out, Integer.toUnsignedLong(hospitalId));
        putUnsigned(out, 5 * WORD);
        putUnsigned(out, 5 * WORD + typeTail);
        putUnsigned(out, version);
        out.put(contentHash.toArray());
        putString(out, type);
        putString(out, id);
        return out.array();
    }

    private static void putString(ByteBuffer out, byte[] value) {
        putUnsigned(out, value.length);
        out.put(value);
        out.position(out.position() + padded(value.length) - value.length);
    }

    private static void putUnsigned(ByteBuffer out, long value) {
        out.position(out.position() + WORD - Long.BYTES);
        out.putLong(value);
    }

    private static int padded(int length) {
        return (length + WORD - 1) / WORD * WORD;
    }
}
