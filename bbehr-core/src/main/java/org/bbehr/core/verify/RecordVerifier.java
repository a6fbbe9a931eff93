package org.bbehr.core.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.bbehr.core.anchor.AnchorBatch;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.record.Anchor;
import org.bbehr.core.record.ContentHash;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.core.record.RecordLeaf;
import org.bbehr.core.record.ResourceKey;

/**
 * Verifies stored versions: recomputes each content hash from the decrypted salt and bytes, checks the leaf's proof
 * locally with the contract's leaf encoding and each distinct root once on chain ({@code anchorOf}) under the
 * hospital the leaf claims, which must be this node's. A version's leaf is computed as a record version and an
 * erasure marker's as a marker, so neither passes for the other. A current version whose content holds
 * but whose index rows are not the ones written with it is tampered too. Erased versions count as erased only with an
 * anchored erasure marker.
 */
public final class RecordVerifier {

    private static final long EVENT_PAGE = 5_000;

    private final EvidenceSource source;
    private final Ledger ledger;
    private final int hospitalId;

    /** @param hospitalId this node's hospital, the one every leaf must claim */
    public RecordVerifier(EvidenceSource source, Ledger ledger, int hospitalId) {
        this.source = source;
        this.ledger = ledger;
        this.hospitalId = hospitalId;
    }

    public long count(VerifyScope scope) {
        return source.count(scope);
    }

    /**
     * Verifies every version of the scope.
     *
     * @param keepVerified whether the report lists verified versions too, or only the others
     * @param progress told how many versions are done after each page
     */
    public VerificationReport verify(VerifyScope scope, boolean keepVerified, LongConsumer progress) {
        Map<VerificationStatus, Long> counts = VerificationReport.zeroCounts();
        List<Verdict> kept = new ArrayList<>();
        Chain roots = new Chain(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        long[] done = {0};
        source.forEachPage(scope, page -> {
            List<Verdict> verdicts = page.parallelStream().map(e -> judge(e, roots)).toList();
            for (Verdict verdict : verdicts) {
                counts.merge(verdict.status(), 1L, Long::sum);
                if (keepVerified || verdict.status() != VerificationStatus.VERIFIED) {
                    kept.add(verdict);
                }
            }
            done[0] += verdicts.size();
            progress.accept(done[0]);
        });
        List<RootProblem> unaccounted = scope instanceof VerifyScope.Everything ? reconcileWithChain() : List.of();
        return new VerificationReport(counts, kept, unaccounted);
    }

    /**
     * Walks the chain's roots of this hospital and checks that the store accounts for each: it has the batch, the
     * batch's manifest has as many leaves as the chain says, and they make the root. So deleting versions' rows
     * across every table, journal included, is seen (what changes before a batch is anchored is not).
     */
    private List<RootProblem> reconcileWithChain() {
        List<RootProblem> problems = new ArrayList<>();
        long head = ledger.blockNumber();
        for (long from = ledger.deployment().deployBlock(); from <= head; from += EVENT_PAGE) {
            for (LedgerEvent event : ledger.readEvents(from, Math.min(head, from + EVENT_PAGE - 1))) {
                if (event instanceof LedgerEvent.RootAnchored anchored && anchored.hospitalId() == hospitalId) {
                    String problem = problemOf(anchored);
                    if (problem != null) {
                        problems.add(new RootProblem(anchored.root(), anchored.position().blockNumber(),
                                anchored.position().txHash(), anchored.leafCount(), problem));
                    }
                }
            }
        }
        return problems;
    }

    private String problemOf(LedgerEvent.RootAnchored anchored) {
        Optional<EvidenceSource.StoredBatch> batch = source.findBatch(hospitalId, anchored.root());
        if (batch.isEmpty()) {
            return "anchored on chain with " + anchored.leafCount() + " leaves, but the store has no batch for it:"
                    + " its versions' rows were deleted";
        }
        if (batch.get().manifest().isEmpty()) {
            return null; // a batch saved before manifests were kept: nothing to compare
        }
        AnchorBatch.Manifest manifest = batch.get().manifest().get();
        int stored = manifest.leafCount();
        if (stored != anchored.leafCount()) {
            return anchored.leafCount() + " leaves on chain, " + stored + " in the store's manifest: "
                    + Math.abs(anchored.leafCount() - stored) + " leaf rows were deleted or added";
        }
        if (!manifest.root(hospitalId).equals(anchored.root())) {
            return "the store's manifest does not make this root: its leaf rows were changed";
        }
        return null;
    }

    /** What one verification learns as it goes: each root's anchor, and the tree nodes proven under each root. */
    private record Chain(Map<Bytes32, Optional<Anchor>> anchors, Map<Bytes32, java.util.Set<Bytes32>> proven) {}

    private Verdict judge(VersionEvidence e, Chain roots) {
        if (e.erased()) {
            return judgeErased(e, roots);
        }
        if (e.unreadable() != null) {
            return verdict(e, VerificationStatus.TAMPERED, e.unreadable(), e.leaf());
        }
        Bytes32 hash = ContentHash.of(e.salt(), e.content());
        if (e.leaf() != null) {
            String problem = checkLeaf(LeafKind.RECORD_VERSION, e.key(), e.version(), hash, e.leaf(), roots);
            if (problem != null) {
                return verdict(e, VerificationStatus.TAMPERED, problem, e.leaf());
            }
            if (e.indexProblem() != null) {
                return verdict(e, VerificationStatus.TAMPERED, e.indexProblem(), e.leaf());
            }
            return e.leaf().confirmed() ? verdict(e, VerificationStatus.VERIFIED, null, e.leaf())
                    : verdict(e, VerificationStatus.PENDING, "in a batch sent to the chain, not confirmed yet", e.leaf());
        }
        if (e.pendingHash() != null) {
            if (!e.pendingHash().equals(hash)) {
                return verdict(e, VerificationStatus.TAMPERED, "content changed: its hash is not the one written", null);
            }
            return e.indexProblem() != null ? verdict(e, VerificationStatus.TAMPERED, e.indexProblem(), null)
                    : verdict(e, VerificationStatus.PENDING, "waiting for a batch", null);
        }
        return verdict(e, VerificationStatus.TAMPERED, "its anchor record (pending row or proof) is missing", null);
    }

    private Verdict judgeErased(VersionEvidence e, Chain roots) {
        VersionEvidence.Erasure erasure = e.erasure();
        if (erasure == null) {
            return verdict(e, VerificationStatus.TAMPERED, "data key missing and no erasure marker", null);
        }
        if (!erasure.sealed()) {
            return verdict(e, VerificationStatus.TAMPERED, "erasure marker forged: it does not carry this node's seal"
                    + " (made up in the database, to make a deletion look lawful)", erasure.leaf());
        }
        if (e.version() > erasure.marker().versions()) {
            return verdict(e, VerificationStatus.TAMPERED, "data key missing; the erasure marker covers versions 1.."
                    + erasure.marker().versions() + " only", erasure.leaf());
        }
        Bytes32 hash = erasure.marker().hash();
        if (erasure.leaf() != null) {
            String problem = checkLeaf(LeafKind.ERASURE_MARKER, e.key(), erasure.marker().versions(), hash,
                    erasure.leaf(), roots);
            if (problem != null) {
                return verdict(e, VerificationStatus.TAMPERED, "erasure marker: " + problem, erasure.leaf());
            }
            return erasure.leaf().confirmed() ? verdict(e, VerificationStatus.ERASED, "erased", erasure.leaf())
                    : verdict(e, VerificationStatus.PENDING, "erased; its erasure marker is not confirmed yet",
                            erasure.leaf());
        }
        if (hash.equals(erasure.pendingHash())) {
            return verdict(e, VerificationStatus.PENDING, "erased; its erasure marker is waiting for a batch", null);
        }
        return verdict(e, VerificationStatus.TAMPERED, "data key missing and the erasure marker is not anchored", null);
    }

    /** Why the leaf of {@code hash} does not verify, or null when it does (an unconfirmed root is not looked up). */
    private String checkLeaf(LeafKind kind, ResourceKey key, long version, Bytes32 hash, AnchoredLeaf leaf,
            Chain roots) {
        if (leaf.hospitalId() != hospitalId) {
            return "wrong hospital: the leaf claims hospital " + leaf.hospitalId() + ", this node is hospital "
                    + hospitalId;
        }
        Bytes32 leafHash = new RecordLeaf(kind, leaf.hospitalId(), key, version, hash).hash();
        java.util.Set<Bytes32> proven = roots.proven().computeIfAbsent(leaf.root(),
                r -> ConcurrentHashMap.newKeySet());
        if (!MerkleTree.verify(leaf.root(), leaf.proof(), leafHash, proven)) {
            return leaf.contentHash().equals(hash) ? "proof invalid: it does not lead from the leaf to the root"
                    : "content changed: its hash is not the one anchored";
        }
        if (!leaf.confirmed()) {
            return null;
        }
        Optional<Anchor> anchor = roots.anchors().computeIfAbsent(leaf.root(),
                root -> ledger.findAnchor(leaf.hospitalId(), root));
        return anchor.isEmpty() ? "root not on chain under hospital " + leaf.hospitalId() + ": " + leaf.root() : null;
    }

    private static Verdict verdict(VersionEvidence e, VerificationStatus status, String reason, AnchoredLeaf leaf) {
        return new Verdict(e.key(), e.version(), status, reason, leaf == null ? null : leaf.root(),
                leaf == null ? null : leaf.transaction(), leaf == null ? 0 : leaf.block());
    }
}
