package org.bbehr.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bbehr.core.anchor.AnchorBatch;
import org.bbehr.core.anchor.PendingLeaf;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.record.Anchor;
import org.bbehr.core.record.ContentHash;
import org.bbehr.core.record.ErasureMarker;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.core.record.RecordLeaf;
import org.bbehr.core.record.ResourceKey;
import org.junit.jupiter.api.Test;

/** The verifier's verdicts on evidence as a store would give it, against a chain port that knows some roots. */
class RecordVerifierTest {

    static final int HOSPITAL = 1;
    static final ResourceKey ALICE = new ResourceKey("Patient", "alice");
    static final ResourceKey BOB = new ResourceKey("Patient", "bob");
    static final byte[] CONTENT = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);

    final Ledger ledger = mock(Ledger.class);
    final byte[] salt = Bytes32.random().toArray();
    final byte[] bobSalt = Bytes32.random().toArray();
    final Bytes32 hash = ContentHash.of(salt, CONTENT);
    final Bytes32 bobHash = ContentHash.of(bobSalt, CONTENT);
    final MerkleTree tree = new MerkleTree(List.of(RecordLeaf.ofVersion(HOSPITAL, ALICE, 1, hash).hash(),
            RecordLeaf.ofVersion(HOSPITAL, BOB, 1, bobHash).hash()));

    AnchoredLeaf leaf(int index, Bytes32 contentHash, List<Bytes32> proof) {
        return new AnchoredLeaf(HOSPITAL, contentHash, proof, tree.root(), true, Bytes32.random(), 9);
    }

    VersionEvidence alice(AnchoredLeaf leaf) {
        return new VersionEvidence(ALICE, 1, salt, CONTENT, null, false, null, null, leaf);
    }

    /** The chain has the tree's root under {@code hospitalId} only. */
    void rootAnchoredBy(int hospitalId) {
        when(ledger.findAnchor(anyInt(), any())).thenReturn(Optional.empty());
        when(ledger.findAnchor(hospitalId, tree.root())).thenReturn(Optional.of(new Anchor(hospitalId, Instant.now(),
                2)));
    }

    /** The store's batches by root, for the chain reconciliation. */
    final Map<Bytes32, EvidenceSource.StoredBatch> batches = new HashMap<>();

    RecordVerifierTest() {
        Address a = Address.ZERO;
        when(ledger.deployment()).thenReturn(new Deployment(31337, a, a, a, a, 1, "", a));
    }

    VerificationReport check(VersionEvidence... evidence) {
        EvidenceSource source = new EvidenceSource() {
            @Override
            public Optional<StoredBatch> findBatch(int hospitalId, Bytes32 root) {
                return Optional.ofNullable(hospitalId == HOSPITAL ? batches.get(root) : null);
            }

            @Override
            public List<Bytes32> anchoredRoots(int hospitalId) {
                return hospitalId == HOSPITAL ? List.copyOf(batches.keySet()) : List.of();
            }

            @Override
            public long count(VerifyScope scope) {
                return evidence.length;
            }

            @Override
            public void forEachPage(VerifyScope scope, Consumer<List<VersionEvidence>> page) {
                page.accept(List.of(evidence));
            }
        };
        return new RecordVerifier(source, ledger, HOSPITAL).verify(VerifyScope.everything(), true, n -> { });
    }

    @Test
    void versionsUnderAnAnchoredRootShouldVerifyWithOneChainLookupPerRoot() {
        // given
        rootAnchoredBy(HOSPITAL);
        VersionEvidence bob = new VersionEvidence(BOB, 1, bobSalt, CONTENT, null, false, null, null,
                leaf(1, bobHash, tree.proof(1)));
        // when
        VerificationReport report = check(alice(leaf(0, hash, tree.proof(0))), bob);
        // then
        assertThat(report.count(VerificationStatus.VERIFIED)).isEqualTo(2);
        verify(ledger, times(1)).findAnchor(anyInt(), any());
    }

    @Test
    void aWrongProofShouldBeTamperedWithProofInvalid() {
        // given
        rootAnchoredBy(HOSPITAL);
        // when
        Verdict verdict = check(alice(leaf(0, hash, List.of(Bytes32.random())))).verdicts().getFirst();
        // then
        assertThat(verdict.status()).isEqualTo(VerificationStatus.TAMPERED);
        assertThat(verdict.reason()).startsWith("proof invalid");
    }

    @Test
    void changedContentShouldBeTamperedWithContentChanged() {
        // given: the stored bytes differ from what was anchored
        rootAnchoredBy(HOSPITAL);
        VersionEvidence changed = new VersionEvidence(ALICE, 1, salt, "{}".getBytes(StandardCharsets.UTF_8), null,
                false, null, null, leaf(0, hash, tree.proof(0)));
        // when
        Verdict verdict = check(changed).verdicts().getFirst();
        // then
        assertThat(verdict.reason()).startsWith("content changed");
    }

    @Test
    void aRootTheChainDoesNotHaveShouldBeTampered() {
        // given
        when(ledger.findAnchor(HOSPITAL, tree.root())).thenReturn(Optional.empty());
        // when
        Verdict verdict = check(alice(leaf(0, hash, tree.proof(0)))).verdicts().getFirst();
        // then
        assertThat(verdict.status()).isEqualTo(VerificationStatus.TAMPERED);
        assertThat(verdict.reason()).startsWith("root not on chain");
    }

    @Test
    void aRootAnchoredOnlyByAnotherHospitalShouldBeTamperedAsNotOnChain() {
        // given: another member anchored the same root (it may copy any root it sees); this hospital never did
        rootAnchoredBy(2);
        // when
        Verdict verdict = check(alice(leaf(0, hash, tree.proof(0)))).verdicts().getFirst();
        // then
        assertThat(verdict.status()).isEqualTo(VerificationStatus.TAMPERED);
        assertThat(verdict.reason()).startsWith("root not on chain under hospital " + HOSPITAL);
    }

    @Test
    void aLeafClaimingAnotherHospitalShouldBeTamperedWithWrongHospital() {
        // given
        rootAnchoredBy(HOSPITAL);
        AnchoredLeaf claimsOther = new AnchoredLeaf(2, hash, tree.proof(0), tree.root(), true, Bytes32.random(), 9);
        // when
        Verdict verdict = check(alice(claimsOther)).verdicts().getFirst();
        // then
        assertThat(verdict.reason()).startsWith("wrong hospital");
    }

    @Test
    void anErasureMarkerLeafShouldNotVerifyAsARecordVersion() {
        // given: a tree whose leaf is an erasure marker with exactly the version's fields and content hash
        MerkleTree markers = new MerkleTree(List.of(new RecordLeaf(LeafKind.ERASURE_MARKER, HOSPITAL, ALICE, 1, hash)
                .hash()));
        when(ledger.findAnchor(HOSPITAL, markers.root())).thenReturn(Optional.of(new Anchor(HOSPITAL, Instant.now(),
                1)));
        AnchoredLeaf asVersion = new AnchoredLeaf(HOSPITAL, hash, List.of(), markers.root(), true, Bytes32.random(), 3);
        // when
        Verdict verdict = check(alice(asVersion)).verdicts().getFirst();
        // then
        assertThat(verdict.status()).isEqualTo(VerificationStatus.TAMPERED);
        assertThat(verdict.reason()).startsWith("proof invalid");
    }

    @Test
    void changedIndexRowsShouldMakeAnAnchoredOrPendingVersionTampered() {
        // given: content that holds, index rows that don't
        rootAnchoredBy(HOSPITAL);
        String problem = "search index changed: its rows are not the ones written with it";
        VersionEvidence anchored = new VersionEvidence(ALICE, 1, salt, CONTENT, null, false, null, null,
                leaf(0, hash, tree.proof(0)), problem);
        VersionEvidence pending = new VersionEvidence(BOB, 1, salt, CONTENT, null, false, null, hash, null, problem);
        // when
        VerificationReport report = check(anchored, pending);
        // then
        assertThat(report.verdicts()).extracting(Verdict::status)
                .containsExactly(VerificationStatus.TAMPERED, VerificationStatus.TAMPERED);
        assertThat(report.verdicts()).extracting(Verdict::reason).containsExactly(problem, problem);
    }

    @Test
    void changedContentShouldBeReportedBeforeChangedIndexRows() {
        // given
        rootAnchoredBy(HOSPITAL);
        VersionEvidence both = new VersionEvidence(ALICE, 1, salt, "{}".getBytes(StandardCharsets.UTF_8), null,
                false, null, null, leaf(0, hash, tree.proof(0)), "search index changed");
        // when
        Verdict verdict = check(both).verdicts().getFirst();
        // then
        assertThat(verdict.reason()).startsWith("content changed");
    }

    @Test
    void aPendingVersionShouldBePendingWhileItsHashMatches() {
        // when
        VerificationReport report = check(new VersionEvidence(ALICE, 1, salt, CONTENT, null, false, null, hash, null),
                new VersionEvidence(BOB, 1, salt, CONTENT, null, false, null, Bytes32.random(), null));
        // then
        assertThat(report.verdicts()).extracting(Verdict::status)
                .containsExactly(VerificationStatus.PENDING, VerificationStatus.TAMPERED);
    }

    @Test
    void aMissingDataKeyShouldBeErasedOnlyWithAnAnchoredMarker() {
        // given
        ErasureMarker marker = new ErasureMarker(ALICE, 1, "patient request", "admin", Instant.now(), salt);
        MerkleTree markers = new MerkleTree(List.of(new RecordLeaf(LeafKind.ERASURE_MARKER, HOSPITAL, ALICE, 1,
                marker.hash()).hash()));
        when(ledger.findAnchor(HOSPITAL, markers.root())).thenReturn(Optional.of(new Anchor(HOSPITAL, Instant.now(),
                1)));
        var anchored = new VersionEvidence.Erasure(marker, null, new AnchoredLeaf(HOSPITAL, marker.hash(), List.of(),
                markers.root(), true, Bytes32.random(), 3), true);
        // when
        VerificationReport report = check(new VersionEvidence(ALICE, 1, null, null, null, true, anchored, null, null),
                new VersionEvidence(BOB, 1, null, null, null, true, null, null, null));
        // then
        assertThat(report.verdicts()).extracting(Verdict::status)
                .containsExactly(VerificationStatus.ERASED, VerificationStatus.TAMPERED);
    }

    @Test
    void anAnchoredErasureMarkerWithoutTheNodesSealShouldBeTampered() {
        // given: a marker anchored on chain, but made up in the database (the node anchored what its outbox held)
        ErasureMarker marker = new ErasureMarker(ALICE, 1, "patient request", "admin", Instant.now(), salt);
        MerkleTree markers = new MerkleTree(List.of(new RecordLeaf(LeafKind.ERASURE_MARKER, HOSPITAL, ALICE, 1,
                marker.hash()).hash()));
        when(ledger.findAnchor(HOSPITAL, markers.root())).thenReturn(Optional.of(new Anchor(HOSPITAL, Instant.now(),
                1)));
        var forged = new VersionEvidence.Erasure(marker, null, new AnchoredLeaf(HOSPITAL, marker.hash(), List.of(),
                markers.root(), true, Bytes32.random(), 3), false);
        // when
        VerificationReport report = check(new VersionEvidence(ALICE, 1, null, null, null, true, forged, null, null));
        // then
        assertThat(report.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerificationStatus.TAMPERED);
            assertThat(v.reason()).startsWith("erasure marker forged");
        });
    }

    /** The chain says this hospital anchored {@code root} with {@code leafCount} leaves. */
    void chainHasRoot(Bytes32 root, int leafCount) {
        when(ledger.blockNumber()).thenReturn(20L);
        when(ledger.readEvents(1, 20)).thenReturn(List.of(new LedgerEvent.RootAnchored(
                new LedgerEvent.Position(12, Bytes32.random(), 0), HOSPITAL, root, leafCount)));
    }

    @Test
    void aRootOnChainWhoseBatchIsGoneFromTheStoreShouldBeReportedAsUnaccounted() {
        // given: versions' rows deleted across every table, the journal's batch and leaves included
        chainHasRoot(tree.root(), 2);
        // when
        VerificationReport report = check();
        // then: nothing is left to walk, and still the report is not clean
        assertThat(report.total()).isZero();
        assertThat(report.roots()).singleElement().satisfies(problem -> {
            assertThat(problem.root()).isEqualTo(tree.root());
            assertThat(problem.leafCount()).isEqualTo(2);
            assertThat(problem.reason()).contains("no batch");
        });
        assertThat(report.anyTampered()).isTrue();
    }

    @Test
    void aBatchWhoseManifestLostLeavesOrNoLongerMakesItsRootShouldBeReported() {
        // given: the chain's root of two leaves; the store's manifest with one of them deleted
        chainHasRoot(tree.root(), 2);
        PendingLeaf alice = new PendingLeaf(LeafKind.RECORD_VERSION, ALICE, 1, hash);
        PendingLeaf bob = new PendingLeaf(LeafKind.RECORD_VERSION, BOB, 1, bobHash);
        batches.put(tree.root(), new EvidenceSource.StoredBatch(
                Optional.of(new AnchorBatch.Manifest(List.of(alice), Optional.empty()))));
        // when / then
        assertThat(check().roots()).singleElement().satisfies(p -> assertThat(p.reason()).contains("1 leaf rows"));
        // given: both leaves, but one's content hash changed
        batches.put(tree.root(), new EvidenceSource.StoredBatch(Optional.of(new AnchorBatch.Manifest(
                List.of(alice, new PendingLeaf(LeafKind.RECORD_VERSION, BOB, 1, Bytes32.random())),
                Optional.empty()))));
        // when / then
        assertThat(check().roots()).singleElement().satisfies(p -> assertThat(p.reason()).contains("does not make"));
        // given: the manifest as written
        batches.put(tree.root(), new EvidenceSource.StoredBatch(
                Optional.of(new AnchorBatch.Manifest(List.of(alice, bob), Optional.empty()))));
        // when / then
        assertThat(check().roots()).isEmpty();
    }
}
