package org.bbehr.core.anchor;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.ledger.Directory;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.ledger.TransactionOutcome;
import org.bbehr.core.record.Anchor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors pending leaves in batches: builds the tree, persists the batch with its signed transaction, then sends it
 * and waits for confirmation. Batches left unconfirmed (a crash, an unreachable chain) are finished first: found on
 * chain by root, or their same signed bytes re-sent, or — when the chain can no longer mine those bytes — re-signed.
 * Recently anchored roots are looked up again, so a rollback or lost chain state is anchored again. Roots are
 * anchored under this node's hospital, so no other member can take one first; a new batch whose root the hospital
 * anchored before gets a random padding leaf and so a root of its own, and nothing can make a round stall on it. A
 * root is only ever sent while the chain does not have it under this hospital.
 */
public final class Anchorer {

    private static final Logger log = LoggerFactory.getLogger(Anchorer.class);
    private static final int RECHECK_MAX_BATCHES = 256;

    /** What the anchorer is doing, for health. */
    public record Status(boolean healthy, String detail, OptionalInt hospitalId, Instant lastAnchoredAt) {}

    private final AnchorJournal journal;
    private final Ledger ledger;
    private final Directory directory;
    private final AnchorSettings settings;
    private final Clock clock;
    private volatile Status status = new Status(true, "starting", OptionalInt.empty(), null);
    private OptionalInt hospitalId = OptionalInt.empty();
    private Instant lastRecheck = Instant.EPOCH;

    public Anchorer(AnchorJournal journal, Ledger ledger, Directory directory, AnchorSettings settings, Clock clock) {
        this.journal = journal;
        this.ledger = ledger;
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
    }

    public Status status() {
        return status;
    }

    public AnchorSettings settings() {
        return settings;
    }

    /**
     * One round: finish unconfirmed batches, anchor what is due, re-check recent roots when due.
     *
     * @return whether it anchored anything, so a caller may go round again at once
     * @throws BbehrException when the chain fails; the work stays in the journal for the next round
     */
    public boolean runOnce() {
        OptionalInt hospital = hospital();
        if (hospital.isEmpty()) {
            status = new Status(false, "waiting: this node's address " + ledger.signer()
                    + " is not a hospital's node in the directory, so versions stay pending", hospital, null);
            return false;
        }
        recheckIfDue();
        boolean worked = finishUnconfirmed();
        worked |= anchorIfDue(hospital.getAsInt());
        status = new Status(true, "anchoring", hospital, status.lastAnchoredAt());
        return worked;
    }

    /** Records a failed round for health. */
    public void failed(RuntimeException e) {
        String reason = e instanceof BbehrException known ? known.describe() : e.toString();
        status = new Status(false, "retrying: " + reason, hospitalId, status.lastAnchoredAt());
    }

    private OptionalInt hospital() {
        if (hospitalId.isEmpty()) {
            hospitalId = directory.findHospitalOfNode(ledger.signer());
        }
        return hospitalId;
    }

    private boolean anchorIfDue(int hospital) {
        Optional<Instant> oldest = journal.findOldestPending();
        if (oldest.isEmpty()) {
            return false;
        }
        List<PendingLeaf> pending = journal.findPending(settings.maxBatch());
        if (pending.isEmpty()) {
            return false; // what waits is nothing the journal will anchor (e.g. a forged erasure marker)
        }
        boolean due = pending.size() >= settings.maxBatch()
                || !oldest.get().plus(settings.maxDelay()).isAfter(clock.instant());
        if (!due) {
            return false;
        }
        AnchorBatch.Built built = AnchorBatch.Built.of(hospital, pending);
        while (ledger.findAnchor(hospital, built.root()).isPresent()) {
            log.warn("this hospital anchored root {} before; the batch of {} leaves gets a padding leaf", built.root(),
                    pending.size());
            built = built.padded();
        }
        SignedTransaction transaction = ledger.sign(new LedgerCall.AnchorRoot(built.root(), built.leafCount()));
        AnchorBatch batch = journal.save(built, transaction);
        log.info("anchoring {} leaves under root {} in transaction {}", batch.leafCount(), batch.root(),
                transaction.hash());
        complete(batch);
        return true;
    }

    /**
     * Finishes every batch saved but not known to be anchored, oldest first. A batch whose leaves do not make its root
     * (its rows were changed) is refused, never anchored, and the next goes on.
     */
    private boolean finishUnconfirmed() {
        List<AnchorBatch> unconfirmed = journal.findUnconfirmed();
        for (AnchorBatch batch : unconfirmed) {
            if (holdsItsRoot(batch)) {
                complete(batch);
            } else {
                log.error("batch {} (root {}): its leaves do not make its root, so its rows were changed; it is not"
                        + " anchored, and $verify names its versions", batch.id(), batch.root());
                journal.markRefused(batch.id(), clock.instant());
            }
        }
        return !unconfirmed.isEmpty();
    }

    /** Whether the batch's manifest makes its root (a batch saved without its order counts as holding it). */
    private boolean holdsItsRoot(AnchorBatch batch) {
        return journal.findManifest(batch.id()).map(m -> m.root(batch.hospitalId()).equals(batch.root()))
                .orElse(true);
    }

    /** Gets the batch's root on chain once, with its own bytes if the chain can still mine them, and records it. */
    private void complete(AnchorBatch batch) {
        Optional<Anchor> found = ledger.findAnchor(batch.hospitalId(), batch.root());
        if (found.isPresent()) {
            recordAnchored(batch, ledger.findOutcome(batch.transaction().hash()));
            return;
        }
        AnchorBatch sendable = minable(batch);
        try {
            TransactionOutcome outcome = ledger.send(sendable.transaction());
            recordAnchored(sendable, Optional.of(outcome));
        } catch (BbehrException e) {
            if (e.code() == ErrorCode.ANCHOR_ROOT_EXISTS
                    && ledger.findAnchor(batch.hospitalId(), batch.root()).isPresent()) {
                recordAnchored(sendable, ledger.findOutcome(sendable.transaction().hash()));
                return;
            }
            if (e.code() == ErrorCode.LEDGER_NONCE_CONFLICT) {
                ledger.forgetNonce();
            }
            throw e;
        }
    }

    /**
     * The batch with a transaction the chain can mine: its own, unless the chain neither knows it nor expects its
     * nonce (the nonce was used by another transaction, or the chain lost the ones before it); then a new signature.
     */
    private AnchorBatch minable(AnchorBatch batch) {
        SignedTransaction transaction = batch.transaction();
        if (ledger.isKnown(transaction.hash())) {
            return batch;
        }
        long expected = ledger.pendingNonce();
        if (transaction.nonce() == expected) {
            log.info("re-sending the same signed transaction {} for root {}", transaction.hash(), batch.root());
            return batch;
        }
        ledger.forgetNonce();
        SignedTransaction again = ledger.sign(new LedgerCall.AnchorRoot(batch.root(), batch.leafCount()));
        journal.replaceTransaction(batch.id(), again);
        log.warn("transaction {} (nonce {}) of root {} can no longer be mined (chain expects nonce {}); re-signed as {}",
                transaction.hash(), transaction.nonce(), batch.root(), expected, again.hash());
        return new AnchorBatch(batch.id(), batch.hospitalId(), batch.root(), batch.leafCount(), again);
    }

    private void recordAnchored(AnchorBatch batch, Optional<TransactionOutcome> outcome) {
        Instant at = clock.instant();
        Anchor anchor = ledger.findAnchor(batch.hospitalId(), batch.root()).orElseThrow(() -> new BbehrException(
                ErrorCode.ANCHOR_NOT_READY, "root " + batch.root() + " is not on chain after its transaction"));
        journal.markAnchored(batch.id(), outcome.map(TransactionOutcome::hash).orElse(batch.transaction().hash()),
                outcome.map(TransactionOutcome::blockNumber).orElse(0L), anchor.anchoredAt());
        status = new Status(true, "anchoring", hospitalId, at);
        log.info("root {} anchored in block {}", batch.root(), outcome.map(TransactionOutcome::blockNumber).orElse(0L));
    }

    /** Looks up recently anchored roots; one the chain lost goes back to the unconfirmed batches. */
    private void recheckIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(lastRecheck.plus(settings.recheckInterval()))) {
            return;
        }
        boolean lost = false;
        for (AnchorBatch batch : journal.findAnchoredSince(now.minus(settings.recheckWindow()), RECHECK_MAX_BATCHES)) {
            if (ledger.findAnchor(batch.hospitalId(), batch.root()).isEmpty()) {
                if (!holdsItsRoot(batch)) {
                    log.error("root {} (batch {}) is not on chain, and the batch's leaves do not make it: its rows"
                            + " were changed, so it is not anchored again; $verify names its versions", batch.root(),
                            batch.id());
                    continue;
                }
                log.warn("root {} (batch {}, {} leaves) is no longer on chain; anchoring it again", batch.root(),
                        batch.id(), batch.leafCount());
                journal.markLost(batch.id());
                lost = true;
            }
        }
        if (lost) {
            ledger.forgetNonce();
        }
        lastRecheck = now;
    }

    /** Forces the next round to re-check recent roots (e.g. on start, or when asked to). */
    public void recheckNow() {
        lastRecheck = Instant.EPOCH;
    }
}
