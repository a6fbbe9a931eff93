package org.bbehr.core.anchor;

import java.util.List;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.record.AnchorKind;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.core.record.RecordLeaf;

/**
 * A batch of leaves, its Merkle root and the signed transaction that anchors it, as persisted before sending.
 *
 * @param id the journal's id (0 before it is saved)
 * @param hospitalId the hospital every leaf of the batch claims, the anchoring node's
 */
public record AnchorBatch(long id, AnchorKind kind, int hospitalId, Bytes32 root, int leafCount,
        SignedTransaction transaction) {

    /** The leaves with their proofs, for a new batch. */
    public record Leaf(PendingLeaf pending, List<Bytes32> proof) {}

    /** A batch built from pending leaves: the tree, the root and each leaf's proof. */
    public record Built(AnchorKind kind, int hospitalId, Bytes32 root, List<Leaf> leaves) {

        public static Built of(AnchorKind kind, int hospitalId, List<PendingLeaf> pending) {
            List<Bytes32> hashes = pending.stream()
                    .map(p -> new RecordLeaf(hospitalId, p.key(), p.version(), p.contentHash()).hash())
                    .toList();
            MerkleTree tree = new MerkleTree(hashes);
            List<Leaf> leaves = new java.util.ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                leaves.add(new Leaf(pending.get(i), tree.proof(i)));
            }
            return new Built(kind, hospitalId, tree.root(), List.copyOf(leaves));
        }
    }
}
