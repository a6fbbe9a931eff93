package org.bbehr.app.anchor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchorBatch;
import org.bbehr.core.anchor.AnchorSettings;
import org.bbehr.core.anchor.Anchorer;
import org.bbehr.core.anchor.PendingLeaf;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.core.verify.RecordVerifier;
import org.bbehr.core.verify.VerificationReport;
import org.bbehr.core.verify.VerificationStatus;
import org.bbehr.core.verify.VerifyScope;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.PostgresServer;
import org.bbehr.store.record.PostgresAnchorJournal;
import org.bbehr.store.record.PostgresRecordStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The anchorer on the real store and a real dev chain, through the faults it must survive: a crash between persisting
 * a batch and sending it, a stopped chain, a chain that rolls an anchor back, another member anchoring this node's
 * next root first, and a root this hospital anchored before.
 */
class AnchorerIT {

    @TempDir
    Path dir;

    DevChain chain;
    PostgresServer database;
    PostgresRecordStore store;
    PostgresAnchorJournal journal;
    Web3jLedger node;
    int hospitalId;
    int chainPort;

    @BeforeEach
    void start() {
        chain = DevChain.start(DevChain.Options.in(dir.resolve("chain")));
        chainPort = java.net.URI.create(chain.rpcUrl()).getPort();
        Credentials nodeKey = DevAccounts.account(5);
        try (Web3jLedger admin = ledger(DevAccounts.admin())) {
            hospitalId = admin.administer(new LedgerCall.RegisterHospital(Address.of(nodeKey.getAddress()),
                    "Anchor Test Hospital", "https://anchor.example/fhir"))
                    .event(LedgerEvent.HospitalRegistered.class).hospitalId();
        }
        node = ledger(nodeKey);
        database = PostgresServer.start(PostgresServer.Options.in(dir.resolve("db")));
        NodeKeys keys = NodeKeys.loadOrCreate(dir.resolve("db"));
        store = PostgresRecordStore.open(database.dataSource(), keys, Clock.systemUTC());
        journal = new PostgresAnchorJournal(database.dataSource(), keys, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        node.close();
        database.close();
        chain.close();
    }

    Web3jLedger ledger(Credentials key) {
        return Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()).withReceiptTimeout(Duration.ofSeconds(20)),
                key, chain.deployment());
    }

    Anchorer anchorer() {
        return new Anchorer(journal, node, node, new AnchorSettings(1_000, Duration.ZERO, Duration.ZERO,
                Duration.ofHours(1), Duration.ofMillis(100)), Clock.systemUTC());
    }

    List<StoredVersion> write(int count) {
        List<ResourceWrite> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(new ResourceWrite.Put(new ResourceKey("Observation", "obs-" + java.util.UUID.randomUUID()),
                    OptionalLong.empty(), ("{\"resourceType\":\"Observation\",\"status\":\"final\",\"valueQuantity\":"
                            + "{\"value\":" + i + ".50}}").getBytes(UTF_8), IndexEntries.NONE));
        }
        return store.write(writes);
    }

    VerificationReport verifyAll() {
        return new RecordVerifier(store.evidence(), node, hospitalId).verify(VerifyScope.everything(), true, n -> { });
    }

    @Test
    void aBatchPersistedButNeverSentShouldBeSentWithItsSameBytesAfterARestart() {
        // given: the node persisted a batch and its signed transaction, then died before sending it
        write(3);
        List<PendingLeaf> pending = journal.findPending(100);
        AnchorBatch.Built built = AnchorBatch.Built.of(hospitalId, pending);
        SignedTransaction signed = node.sign(new LedgerCall.AnchorRoot(built.root(), pending.size()));
        journal.save(built, signed);
        assertThat(node.isKnown(signed.hash())).isFalse();
        // when: a new anchorer (after the restart) runs
        anchorer().runOnce();
        // then: exactly those bytes were mined, the root is on chain once, every version verifies
        assertThat(node.findOutcome(signed.hash())).isPresent();
        assertThat(node.findAnchor(hospitalId, built.root())).isPresent();
        assertThat(journal.findUnconfirmed()).isEmpty();
        assertThat(verifyAll().count(VerificationStatus.VERIFIED)).isEqualTo(3);
    }

    /** A second hospital's node on the same chain. */
    Web3jLedger otherHospitalsNode() {
        Credentials key = DevAccounts.account(6);
        try (Web3jLedger admin = ledger(DevAccounts.admin())) {
            admin.administer(new LedgerCall.RegisterHospital(Address.of(key.getAddress()), "Squatting Hospital",
                    "https://squatter.example/fhir"));
        }
        return ledger(key);
    }

    /** This hospital's anchors, from the chain's events. */
    List<LedgerEvent.RootAnchored> anchorsOfThisHospital() {
        return node.readEvents(0, node.blockNumber()).stream()
                .filter(e -> e instanceof LedgerEvent.RootAnchored r && r.hospitalId() == hospitalId)
                .map(LedgerEvent.RootAnchored.class::cast).toList();
    }

    @Test
    void anotherMemberAnchoringThisNodesNextRootFirstShouldNotStallItsAnchorer() {
        // given: a batch persisted with its signed transaction, and another hospital's node that saw the root (say,
        // in the pending transaction) and anchors it first
        write(4);
        List<PendingLeaf> pending = journal.findPending(100);
        AnchorBatch.Built built = AnchorBatch.Built.of(hospitalId, pending);
        journal.save(built, node.sign(new LedgerCall.AnchorRoot(built.root(), pending.size())));
        try (Web3jLedger squatter = otherHospitalsNode()) {
            squatter.submit(new LedgerCall.AnchorRoot(built.root(), pending.size()));
        }
        // when
        Anchorer anchorer = anchorer();
        anchorer.runOnce();
        write(2);
        anchorer.runOnce();
        // then: both batches are anchored under this hospital, each version exactly once, and everything verifies
        assertThat(node.findAnchor(hospitalId, built.root())).isPresent();
        assertThat(journal.findUnconfirmed()).isEmpty();
        assertThat(anchorsOfThisHospital()).extracting(LedgerEvent.RootAnchored::leafCount).containsExactly(4, 2);
        assertThat(verifyAll().count(VerificationStatus.VERIFIED)).isEqualTo(6);
    }

    @Test
    void aBatchWhoseRootThisHospitalAnchoredBeforeShouldGetAPaddingLeafAndARootOfItsOwn() {
        // given: the chain already has, under this hospital, the root the pending leaves would make
        write(3);
        List<PendingLeaf> pending = journal.findPending(100);
        Bytes32 taken = AnchorBatch.Built.of(hospitalId, pending).root();
        node.submit(new LedgerCall.AnchorRoot(taken, pending.size()));
        // when
        anchorer().runOnce();
        // then: the batch went out under another root, with one padding leaf, and its versions verify
        AnchorBatch anchored = journal.findAnchoredSince(java.time.Instant.EPOCH, 1).getFirst();
        assertThat(anchored.root()).isNotEqualTo(taken);
        assertThat(anchored.leafCount()).isEqualTo(4);
        assertThat(node.findAnchor(hospitalId, anchored.root()).orElseThrow().leafCount()).isEqualTo(4);
        assertThat(verifyAll().count(VerificationStatus.VERIFIED)).isEqualTo(3);
    }

    @Test
    void recordVersionsAndAnErasureMarkerShouldRideInOneBatchEachVerifiedAsItsOwnKind() {
        // given: versions, one of them erased before anything was anchored
        List<StoredVersion> written = write(3);
        store.erase(written.getFirst().key(), "patient request (synthetic)", "it-test");
        List<PendingLeaf> pending = journal.findPending(100);
        assertThat(pending).extracting(PendingLeaf::kind).containsExactlyInAnyOrder(LeafKind.RECORD_VERSION,
                LeafKind.RECORD_VERSION, LeafKind.RECORD_VERSION, LeafKind.ERASURE_MARKER);
        // when
        anchorer().runOnce();
        // then: one root for all four leaves; the erased version counts as erased, the others as verified
        assertThat(anchorsOfThisHospital()).extracting(LedgerEvent.RootAnchored::leafCount).containsExactly(4);
        VerificationReport report = verifyAll();
        assertThat(report.count(VerificationStatus.ERASED)).isEqualTo(1);
        assertThat(report.count(VerificationStatus.VERIFIED)).isEqualTo(2);
    }

    @Test
    void aBatchRowWhoseLeavesDoNotMakeItsRootShouldNeitherBeAnchoredNorStallTheAnchorer() throws Exception {
        // given: someone with write access to the database moves a pending version into a batch of their own making,
        // with a root of their choosing and a copy of a real batch's signed transaction
        write(1);
        Anchorer anchorer = anchorer();
        anchorer.runOnce();
        StoredVersion moved = write(1).getFirst();
        Bytes32 forged = Bytes32.random();
        try (var connection = database.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO anchor_batches (hospital_id, root, leaf_count, tx_hash, tx_raw,"
                    + " tx_from, tx_nonce, tx_gas_limit, created_at) SELECT hospital_id, '\\x" + forged.toHex()
                    .substring(2) + "', 1, tx_hash, tx_raw, tx_from, tx_nonce, tx_gas_limit, now() FROM anchor_batches"
                    + " ORDER BY id LIMIT 1");
            statement.executeUpdate("INSERT INTO anchor_leaves (kind, type, id, version, batch_id, content_hash,"
                    + " proof, position) SELECT kind, type, id, version, (SELECT max(id) FROM anchor_batches),"
                    + " content_hash, '\\x', 0 FROM outbox WHERE id = '" + moved.key().id() + "'");
            statement.executeUpdate("DELETE FROM outbox WHERE id = '" + moved.key().id() + "'");
        }
        // when: the anchorer runs on, and more is written
        anchorer.runOnce();
        write(2);
        anchorer.runOnce();
        // then: the forged root is never anchored, later versions are, and the moved version is tampered
        assertThat(node.findAnchor(hospitalId, forged)).isEmpty();
        assertThat(journal.findUnconfirmed()).isEmpty();
        VerificationReport report = verifyAll();
        assertThat(report.count(VerificationStatus.VERIFIED)).isEqualTo(3);
        assertThat(report.verdicts()).filteredOn(v -> v.key().equals(moved.key())).singleElement()
                .satisfies(v -> assertThat(v.status()).isEqualTo(VerificationStatus.TAMPERED));
    }

    @Test
    void anErasureMarkerMadeUpInTheDatabaseShouldNeverBeAnchoredAndBeNamedByVerify() throws Exception {
        // given: anchored versions; then someone with write access "erases" one: deletes its data key, marks it
        // erased and adds an erasure row and its outbox row, to make the deletion look lawful (before, the node
        // anchored that marker and $verify counted the version as erased)
        Anchorer anchorer = anchorer();
        List<StoredVersion> written = write(2);
        anchorer.runOnce();
        StoredVersion victim = written.getFirst();
        java.time.Instant at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        byte[] salt = org.bbehr.store.crypto.DataKey.newSalt();
        var marker = new org.bbehr.core.record.ErasureMarker(victim.key(), 1, "patient request (forged)", "admin", at,
                salt);
        try (var c = database.dataSource().getConnection(); var statement = c.createStatement();
                var erasure = c.prepareStatement("INSERT INTO erasures (type, id, reason, actor, erased_at, versions,"
                        + " salt) VALUES (?, ?, ?, ?, ?, 1, ?)");
                var outbox = c.prepareStatement("INSERT INTO outbox (type, id, version, created_at, kind,"
                        + " content_hash) VALUES (?, ?, 1, ?, 1, ?)")) {
            String id = "'" + victim.key().id() + "'";
            statement.executeUpdate("DELETE FROM data_keys WHERE id = " + id);
            statement.executeUpdate("UPDATE resources SET erased = true, index_seal = NULL WHERE id = " + id);
            erasure.setString(1, victim.key().type());
            erasure.setString(2, victim.key().id());
            erasure.setString(3, marker.reason());
            erasure.setString(4, marker.actor());
            erasure.setObject(5, java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
            erasure.setBytes(6, salt);
            erasure.executeUpdate();
            outbox.setString(1, victim.key().type());
            outbox.setString(2, victim.key().id());
            outbox.setObject(3, java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
            outbox.setBytes(4, marker.hash().toArray());
            outbox.executeUpdate();
        }
        int rootsBefore = anchorsOfThisHospital().size();
        // when
        assertThat(journal.findPending(100)).isEmpty();
        anchorer.runOnce();
        // then: nothing more anchored, and the version is tampered, not erased
        assertThat(anchorsOfThisHospital()).hasSize(rootsBefore);
        VerificationReport report = verifyAll();
        assertThat(report.count(VerificationStatus.ERASED)).isZero();
        assertThat(report.verdicts()).filteredOn(v -> v.key().equals(victim.key())).singleElement()
                .satisfies(v -> {
                    assertThat(v.status()).isEqualTo(VerificationStatus.TAMPERED);
                    assertThat(v.reason()).startsWith("erasure marker forged");
                });
    }

    @Test
    void aStateChangeMadeUpInTheDatabaseShouldNeverBeAnchoredAndARealOneShould() throws Exception {
        // given: a real legal hold, and a made-up state change with a huge number (before, it was anchored for good,
        // and its resource read "state put back" for ever)
        StoredVersion held = write(1).getFirst();
        store.setLegalHold(held.key(), true);
        try (var c = database.dataSource().getConnection(); var statement = c.createStatement()) {
            statement.executeUpdate("INSERT INTO outbox (type, id, version, created_at, kind, content_hash) VALUES ('"
                    + held.key().type() + "', '" + held.key().id() + "', 4611686018427387904, now(), 2,"
                    + " decode(repeat('07', 32), 'hex'))");
        }
        // when
        anchorer().runOnce();
        // then: the version and the real state change are anchored, the made-up one is not
        assertThat(anchorsOfThisHospital()).extracting(LedgerEvent.RootAnchored::leafCount).containsExactly(2);
        try (var c = database.dataSource().getConnection(); var statement = c.createStatement();
                var row = statement.executeQuery("SELECT max(version) FROM anchor_leaves WHERE kind = 2")) {
            row.next();
            assertThat(row.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void aBatchRowThatCannotBeReadShouldNameItsVersionsNotFailVerify() throws Exception {
        // given: an anchored version, then its batch's root cut to one byte (before, $verify failed with an error)
        write(1);
        anchorer().runOnce();
        try (var c = database.dataSource().getConnection(); var statement = c.createStatement()) {
            statement.executeUpdate("UPDATE anchor_batches SET root = '\\x01'");
        }
        // when
        VerificationReport report = verifyAll();
        // then
        assertThat(report.count(VerificationStatus.TAMPERED)).isEqualTo(1);
        assertThat(report.roots()).hasSize(1);
    }

    @Test
    void outboxRowsMadeUpInTheDatabaseShouldNotStopTheAnchorer() throws Exception {
        // given: a real pending version behind rows that make no leaf, or repeat one (before, any of them failed every
        // batch, and nothing was anchored again)
        try (var c = database.dataSource().getConnection(); var statement = c.createStatement()) {
            statement.executeUpdate("INSERT INTO outbox (type, id, version, created_at, kind, content_hash) VALUES"
                    + " ('Patient', 'bad-kind', 1, now(), 9, decode(repeat('01', 32), 'hex')),"
                    + " ('Patient', 'not an id!', 1, now(), 0, decode(repeat('01', 32), 'hex')),"
                    + " ('Patient', 'short-hash', 1, now(), 0, '\\x01')");
        }
        List<StoredVersion> written = write(1);
        try (var c = database.dataSource().getConnection(); var statement = c.createStatement()) {
            statement.executeUpdate("INSERT INTO outbox (type, id, version, created_at, kind, content_hash)"
                    + " SELECT type, id, version, created_at, kind, content_hash FROM outbox WHERE id = '"
                    + written.getFirst().key().id() + "'");
        }
        // when
        anchorer().runOnce();
        // then: the real version is anchored, once
        assertThat(anchorsOfThisHospital()).extracting(LedgerEvent.RootAnchored::leafCount).containsExactly(1);
        assertThat(verifyAll().count(VerificationStatus.VERIFIED)).isEqualTo(1);
    }

    @Test
    void versionsDeletedAcrossEveryTableJournalIncludedShouldShowAsAnUnaccountedRoot() throws Exception {
        // given: two anchored batches; then someone with write access deletes the first batch's resources from
        // every table: their versions, keys, the journal's leaves and batch
        Anchorer anchorer = anchorer();
        List<StoredVersion> gone = write(2);
        anchorer.runOnce();
        write(1);
        anchorer.runOnce();
        AnchorBatch first = journal.findAnchoredSince(java.time.Instant.EPOCH, 10).getLast();
        try (var connection = database.dataSource().getConnection(); var statement = connection.createStatement()) {
            String ids = gone.stream().map(v -> "'" + v.key().id() + "'").collect(java.util.stream.Collectors
                    .joining(", "));
            statement.executeUpdate("DELETE FROM anchor_leaves WHERE batch_id = " + first.id());
            statement.executeUpdate("DELETE FROM anchor_batches WHERE id = " + first.id());
            for (String table : List.of("versions", "data_keys", "resources")) {
                statement.executeUpdate("DELETE FROM " + table + " WHERE id IN (" + ids + ")");
            }
        }
        // when
        VerificationReport report = verifyAll();
        // then: what is left verifies, and the chain's root of the deleted batch is named
        assertThat(report.count(VerificationStatus.VERIFIED)).isEqualTo(1);
        assertThat(report.count(VerificationStatus.TAMPERED)).isZero();
        assertThat(report.roots()).singleElement().satisfies(problem -> {
            assertThat(problem.root()).isEqualTo(first.root());
            assertThat(problem.leafCount()).isEqualTo(2);
        });
        assertThat(report.anyTampered()).isTrue();
    }

    @Test
    void statesLookedUpAtOnceShouldEqualThoseLookedUpOneByOne() {
        // given: anchored versions, pending ones, and one the store has no record of
        List<StoredVersion> anchored = write(3);
        anchorer().runOnce();
        List<StoredVersion> pending = write(2);
        List<org.bbehr.core.anchor.AnchorStates.Version> versions = new ArrayList<>();
        for (StoredVersion version : concat(anchored, pending)) {
            versions.add(new org.bbehr.core.anchor.AnchorStates.Version(version.key(), version.version()));
        }
        versions.add(new org.bbehr.core.anchor.AnchorStates.Version(new ResourceKey("Observation", "unknown"), 1));

        // when
        var states = journal.findAll(versions);

        // then
        assertThat(states).hasSize(5);
        for (var version : versions) {
            assertThat(java.util.Optional.ofNullable(states.get(version))).as(version.toString())
                    .isEqualTo(journal.find(version.key(), version.version()));
        }
        assertThat(states.values()).filteredOn(org.bbehr.core.anchor.AnchorState::anchored).hasSize(3);
    }

    @Test
    void aVersionReadWithItsAnchoringShouldCarryTheStateTheJournalFinds() throws Exception {
        // given: anchored versions (one since updated), versions in a batch saved but not yet sent, a pending one, and
        // one with no anchoring record (its outbox row gone, as for versions written before anchoring existed)
        List<StoredVersion> anchored = write(2);
        anchorer().runOnce();
        StoredVersion updated = store.write(List.of(new ResourceWrite.Put(anchored.getFirst().key(),
                OptionalLong.empty(), "{\"resourceType\":\"Observation\",\"status\":\"amended\"}".getBytes(UTF_8),
                IndexEntries.NONE))).getFirst();
        List<StoredVersion> inUnsentBatch = concat(List.of(updated), write(1));
        List<PendingLeaf> leaves = journal.findPending(100);
        AnchorBatch.Built built = AnchorBatch.Built.of(hospitalId, leaves);
        journal.save(built, node.sign(new LedgerCall.AnchorRoot(built.root(), leaves.size())));
        List<StoredVersion> pending = write(2);
        StoredVersion unrecorded = pending.getLast();
        try (var connection = database.dataSource().getConnection();
                var delete = connection.prepareStatement("DELETE FROM outbox WHERE type = ? AND id = ?")) {
            delete.setString(1, unrecorded.key().type());
            delete.setString(2, unrecorded.key().id());
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
        List<StoredVersion> all = concat(concat(anchored, inUnsentBatch), pending);

        for (StoredVersion version : all) {
            // when
            var read = store.findVersionAnchored(version.key(), version.version()).orElseThrow();
            var current = store.findCurrentAnchored(version.key()).orElseThrow();

            // then
            assertThat(read.anchor()).as(version.key() + " version " + version.version())
                    .isEqualTo(journal.find(version.key(), version.version()));
            assertThat(read.version().content()).isEqualTo(version.content());
            StoredVersion stored = store.findCurrent(version.key()).orElseThrow();
            assertThat(current.version().version()).isEqualTo(stored.version());
            assertThat(current.version().content()).isEqualTo(stored.content());
            assertThat(current.anchor()).isEqualTo(journal.find(stored.key(), stored.version()));
        }
        assertThat(store.findVersionAnchored(anchored.getFirst().key(), 1).orElseThrow().anchor())
                .hasValueSatisfying(state -> assertThat(state.anchored()).isTrue());
        assertThat(store.findCurrentAnchored(updated.key()).orElseThrow().anchor())
                .contains(org.bbehr.core.anchor.AnchorState.PENDING);
        assertThat(store.findCurrentAnchored(unrecorded.key()).orElseThrow().anchor()).isEmpty();
        assertThat(store.findVersionAnchored(updated.key(), 3)).isEmpty();
        assertThat(store.findCurrentAnchored(new ResourceKey("Observation", "unknown"))).isEmpty();
    }

    static List<StoredVersion> concat(List<StoredVersion> first, List<StoredVersion> second) {
        List<StoredVersion> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Test
    void writesWhileTheChainIsStoppedShouldStayPendingAndBeAnchoredOnceItIsBack() {
        // given
        Anchorer anchorer = anchorer();
        write(2);
        anchorer.runOnce();
        chain.close();
        // when: the chain is away
        List<StoredVersion> written = write(4);
        assertThatThrownBy(anchorer::runOnce).isInstanceOf(BbehrException.class)
                .extracting(e -> ((BbehrException) e).code()).isEqualTo(ErrorCode.LEDGER_UNAVAILABLE);
        // then: the writes succeeded and wait
        assertThat(written).hasSize(4);
        assertThat(journal.findPending(100)).hasSize(4);
        // when: it is back
        chain = DevChain.start(new DevChain.Options(dir.resolve("chain"), null, chainPort));
        anchorer.runOnce();
        // then
        VerificationReport report = verifyAll();
        assertThat(report.count(VerificationStatus.VERIFIED)).isEqualTo(6);
        assertThat(report.total()).isEqualTo(6);
    }

    @Test
    void aNodeThatIsNotRegisteredShouldKeepVersionsPendingAndSayWhy() {
        // given: a node key that no hospital has
        try (Web3jLedger stranger = ledger(DevAccounts.account(7))) {
            Anchorer anchorer = new Anchorer(journal, stranger, stranger, AnchorSettings.defaults(), Clock.systemUTC());
            write(2);
            // when
            boolean worked = anchorer.runOnce();
            // then
            assertThat(worked).isFalse();
            assertThat(anchorer.status().healthy()).isFalse();
            assertThat(anchorer.status().detail()).contains("not a hospital's node");
            assertThat(journal.findPending(100)).hasSize(2);
        }
    }

    @Test
    void aRolledBackAnchorShouldBeNoticedAndAnchoredAgain() {
        // given: a root anchored after a snapshot
        AnvilRpc anvil = new AnvilRpc(chain.rpcUrl());
        Anchorer anchorer = anchorer();
        write(1);
        anchorer.runOnce();
        String snapshot = anvil.snapshot();
        write(5);
        anchorer.runOnce();
        AnchorBatch anchored = journal.findAnchoredSince(java.time.Instant.EPOCH, 1).getFirst();
        assertThat(node.findAnchor(hospitalId, anchored.root())).isPresent();
        // when: the chain rolls back to before that anchor
        anvil.revert(snapshot);
        assertThat(node.findAnchor(hospitalId, anchored.root())).isEmpty();
        assertThat(verifyAll().count(VerificationStatus.TAMPERED)).isEqualTo(5);
        anchorer.recheckNow();
        anchorer.runOnce();
        // then: the same root is anchored again, by one batch, and everything verifies
        assertThat(node.findAnchor(hospitalId, anchored.root())).isPresent();
        assertThat(journal.findAnchoredSince(java.time.Instant.EPOCH, 100)).hasSize(2);
        assertThat(verifyAll().count(VerificationStatus.VERIFIED)).isEqualTo(6);
    }
}
