package org.bbehr.store.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bbehr.core.crypto.Bytes32;

/** A Merkle proof as stored: its sibling hashes, 32 bytes each, from the leaf up. */
final class Proofs {

    private Proofs() {}

    static byte[] encode(List<Bytes32> proof) {
        byte[] out = new byte[proof.size() * 32];
        for (int i = 0; i < proof.size(); i++) {
            System.arraycopy(proof.get(i).toArray(), 0, out, i * 32, 32);
        }
        return out;
    }

    /** The proof, or null when the stored bytes are not a whole number of hashes (an edited row). */
    static List<Bytes32> decode(byte[] stored) {
        if (stored.length % 32 != 0) {
            return null;
        }
        List<Bytes32> proof = new ArrayList<>(stored.length / 32);
        for (int i = 0; i < stored.length; i += 32) {
            proof.add(Bytes32.wrap(Arrays.copyOfRange(stored, i, i + 32)));
        }
        return proof;
    }
}
