package org.bbehr.core.anchor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.SignedTransaction;

/**
 * Where the anchorer keeps its work, durably: leaves waiting for a batch (written with the versions they stand for),
 * batches with their signed transactions, and each leaf's proof. Saving a batch takes its leaves out of the pending
 * ones in the same transaction, so no leaf is ever in two batches.
 */
public interface AnchorJournal {

    /** Up to {@code max} pending leaves of every kind, oldest first. */
    List<PendingLeaf> findPending(int max);

    /** Since when the oldest pending leaf waits (empty when none does). */
    Optional<Instant> findOldestPending();

    /**
     * Persists the batch, its transaction, its manifest (each leaf's kind, resource, version and place, and the
     * padding leaf) and its leaves' proofs, and removes the leaves from the pending ones.
     */
    AnchorBatch save(AnchorBatch.Built batch, SignedTransaction transaction);

    /** Replaces the transaction of a batch that is not anchored yet (re-signed because the old one can't be mined). */
    void replaceTransaction(long batchId, SignedTransaction transaction);

    /** Marks the batch anchored by {@code transactionHash} in {@code block} (0 when unknown). */
    void markAnchored(long batchId, Bytes32 transactionHash, long block, Instant anchoredAt);

    /** Marks an anchored batch as not anchored again, because the chain no longer has its root. */
    void markLost(long batchId);

    /** Batches saved but not (or no longer) known to be anchored, and not refused, oldest first. */
    List<AnchorBatch> findUnconfirmed();

    /** A batch's leaves in tree order and its padding leaf; empty when the order was not kept (older batches). */
    Optional<AnchorBatch.Manifest> findManifest(long batchId);

    /** Marks a batch whose manifest does not make its root as refused: never anchored, no longer unconfirmed. */
    void markRefused(long batchId, Instant at);

    /** Anchored batches anchored at or after {@code since}, newest first, at most {@code max}. */
    List<AnchorBatch> findAnchoredSince(Instant since, int max);
}
