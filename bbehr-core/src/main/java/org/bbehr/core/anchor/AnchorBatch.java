package org.bbehr.core.anchor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.core.record.RecordLeaf;

/**
 * A batch of leaves of any kinds, its Merkle root and the signed transaction that anchors it, as persisted before
 * sending.
 *
 * @param id the journal's id (0 before it is saved)
 * @param hospitalId the hospital every leaf of the batch claims, the anchoring node's, under which the root is anchored
 * @param leafCount the tree's leaves, the padding leaf included
 */
public record AnchorBatch(long id, int hospitalId, Bytes32 root, int leafCount, SignedTransaction transaction) {

    /** What a saved batch holds: its leaves in tree order, then its padding leaf if it has one. */
    public record Manifest(List<PendingLeaf> leaves, Optional<Bytes32> padding) {

        /** The root these leaves make under {@code hospitalId} (without the proofs a new batch needs). */
        public Bytes32 root(int hospitalId) {
            return new MerkleTree(hashes(hospitalId, leaves, padding)).root();
        }

        /** Leaves in the tree, the padding leaf included. */
        public int leafCount() {
            return leaves.size() + (padding.isPresent() ? 1 : 0);
        }
    }

    /** The tree's leaf hashes, in order: each pending leaf's, then the padding leaf. */
    private static List<Bytes32> hashes(int hospitalId, List<PendingLeaf> pending, Optional<Bytes32> padding) {
        List<Bytes32> hashes = new ArrayList<>(pending.size() + 1);
        for (PendingLeaf p : pending) {
            hashes.add(new RecordLeaf(p.kind(), hospitalId, p.key(), p.version(), p.contentHash()).hash());
        }
        padding.ifPresent(hashes::add);
        return hashes;
    }

    /** A leaf with its proof and its place in the tree, for a new batch. */
    public record Leaf(PendingLeaf pending, int position, List<Bytes32> proof) {}

    /**
     * A batch built from pending leaves: the tree, the root and each leaf's proof. Its manifest is the leaves in tree
     * order, then the padding leaf if it has one: a random leaf that gives the batch a root of its own when the
     * hospital has anchored the same root before, so that no earlier root can block a batch.
     */
    public record Built(int hospitalId, Bytes32 root, List<Leaf> leaves, Optional<Bytes32> padding) {

        public static Built of(int hospitalId, List<PendingLeaf> pending) {
            return build(hospitalId, pending, Optional.empty());
        }

        /** The same leaves with a fresh random padding leaf, so with another root. */
        public Built padded() {
            return build(hospitalId, leaves.stream().map(Leaf::pending).toList(), Optional.of(Bytes32.random()));
        }

        /** Leaves in the tree, the padding leaf included. */
        public int leafCount() {
            return leaves.size() + (padding.isPresent() ? 1 : 0);
        }

        private static Built build(int hospitalId, List<PendingLeaf> pending, Optional<Bytes32> padding) {
            MerkleTree tree = new MerkleTree(hashes(hospitalId, pending, padding));
            List<Leaf> leaves = new ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                leaves.add(new Leaf(pending.get(i), i, tree.proof(i)));
            }
            return new Built(hospitalId, tree.root(), List.copyOf(leaves), padding);
        }
    }
}
