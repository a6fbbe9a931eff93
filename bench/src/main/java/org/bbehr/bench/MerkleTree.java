package org.bbehr.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.crypto.Bytes32;
import org.web3j.crypto.Hash;

/** A sorted-pair Merkle tree over already-hashed leaves, as OpenZeppelin's MerkleProof expects. */
final class MerkleTree {

    private final List<List<Bytes32>> levels = new ArrayList<>();

    MerkleTree(List<Bytes32> leaves) {
        levels.add(List.copyOf(leaves));
        while (levels.getLast().size() > 1) {
            List<Bytes32> level = levels.getLast();
            List<Bytes32> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                next.add(i + 1 < level.size() ? pair(level.get(i), level.get(i + 1)) : level.get(i));
            }
            levels.add(next);
        }
    }

    Bytes32 root() {
        return levels.getLast().getFirst();
    }

    List<Bytes32> proof(int index) {
        List<Bytes32> proof = new ArrayList<>();
        for (int level = 0; level < levels.size() - 1; level++) {
            int sibling = index ^ 1;
            if (sibling < levels.get(level).size()) {
                proof.add(levels.get(level).get(sibling));
            }
            index /= 2;
        }
        return proof;
    }

    private static Bytes32 pair(Bytes32 a, Bytes32 b) {
        boolean aFirst = new BigInteger(1, a.toArray()).compareTo(new BigInteger(1, b.toArray())) < 0;
        byte[] joined = new byte[64];
        System.arraycopy((aFirst ? a : b).toArray(), 0, joined, 0, 32);
        System.arraycopy((aFirst ? b : a).toArray(), 0, joined, 32, 32);
        return Bytes32.wrap(Hash.sha3(joined));
    }
}
