package org.bbehr.core.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Keccak;

/**
 * A Merkle leaf as {@code RecordAnchor.leafOf} computes it: {@code keccak256(bytes.concat(keccak256(abi.encode(uint8
 * kind, uint32 hospitalId, string type, string id, uint64 version, bytes32 contentHash))))}. The kind and the hospital
 * are inside the hashed bytes, so a leaf verifies only as what it is and only under its own hospital's roots.
 */
public record RecordLeaf(LeafKind kind, int hospitalId, ResourceKey key, long version, Bytes32 contentHash) {

    /** The leaf of a record version. */
    public static RecordLeaf ofVersion(int hospitalId, ResourceKey key, long version, Bytes32 contentHash) {
        return new RecordLeaf(LeafKind.RECORD_VERSION, hospitalId, key, version, contentHash);
    }

    private static final int WORD = 32;

    /** The double-hashed leaf. */
    public Bytes32 hash() {
        return Keccak.hash(Keccak.hash(abiEncode()).toArray());
    }

    /** {@code abi.encode(uint8, uint32, string, string, uint64, bytes32)} of this leaf. */
    byte[] abiEncode() {
        byte[] type = key.type().getBytes(UTF_8);
        byte[] id = key.id().getBytes(UTF_8);
        int head = 6 * WORD;
        int typeTail = WORD + padded(type.length);
        int size = head + typeTail + WORD + padded(id.length);
        ByteBuffer out = ByteBuffer.allocate(size);
        putUnsigned(out, kind.ordinal());
        putUnsigned(out, Integer.toUnsignedLong(hospitalId));
        putUnsigned(out, head);
        putUnsigned(out, head + typeTail);
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
