package org.bbehr.core.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Keccak;

/**
 * A Merkle tree over already-hashed leaves with sorted pairs, as OpenZeppelin's {@code MerkleProof} verifies on
 * chain: a parent is {@code keccak256(min(a, b) ‖ max(a, b))}; an odd node out is carried up unchanged.
 */
public final class MerkleTree {

    private final List<List<Bytes32>> levels = new ArrayList<>();

    public MerkleTree(List<Bytes32> leaves) {
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
        }
        levels.add(List.copyOf(leaves));
        while (levels.getLast().size() > 1) {
            List<Bytes32> level = levels.getLast();
            List<Bytes32> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(i + 1 < level.size() ? parent(level.get(i), level.get(i + 1)) : level.get(i));
            }
            levels.add(next);
        }
    }

    public Bytes32 root() {
        return levels.getLast().getFirst();
    }

    public int size() {
        return levels.getFirst().size();
    }

    /** The sibling hashes from leaf {@code index} up to the root. */
    public List<Bytes32> proof(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("leaf " + index + " of " + size());
        }
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

    /** Whether {@code proof} leads from {@code leaf} to {@code root}, as {@code MerkleProof.verify} decides. */
    public static boolean verify(Bytes32 root, List<Bytes32> proof, Bytes32 leaf) {
        Bytes32 computed = leaf;
        for (Bytes32 sibling : proof) {
            computed = parent(computed, sibling);
        }
        return computed.equals(root);
    }

    /**
     * Like {@link #verify(Bytes32, List, Bytes32)} for many leaves of one tree: {@code proven} holds nodes already
     * shown to lead to {@code root} (thread-safe; start with an empty set per root). A walk that reaches one of them
     * stops there, since the rest of its path is proven; a successful walk adds its nodes.
     */
    public static boolean verify(Bytes32 root, List<Bytes32> proof, Bytes32 leaf, java.util.Set<Bytes32> proven) {
        List<Bytes32> path = new ArrayList<>(proof.size() + 1);
        Bytes32 computed = leaf;
        for (Bytes32 sibling : proof) {
            if (proven.contains(computed)) {
                proven.addAll(path);
                return true;
            }
            path.add(computed);
            computed = parent(computed, sibling);
        }
        if (computed.equals(root) || proven.contains(computed)) {
            proven.addAll(path);
            return true;
        }
        return false;
    }

    static Bytes32 parent(Bytes32 a, Bytes32 b) {
        byte[] left = a.toArray();
        byte[] right = b.toArray();
        return Arrays.compareUnsigned(left, right) <= 0 ? Keccak.hash(left, right) : Keccak.hash(right, left);
    }
}
