package org.bbehr.store.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.SearchQuery;
import org.bbehr.store.crypto.NodeKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the blind-index key over a database of records with tokens, while the store is searched and written. */
class BlindIndexRotationIT {

    private static final int PATIENTS = 300;
    private static final int OBSERVATIONS = 40;
    private static final Pattern NAME = Pattern.compile("\"family\":\"([^\"]+)\"");
    private static final Pattern MRN = Pattern.compile("\"mrn\":\"([^\"]+)\"");

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @TempDir
    Path elsewhere;

    @BeforeEach
    void freshKeysAndRecords() throws Exception {
        STORE.deleteKeys();
        NodeKeys keys = NodeKeys.loadOrCreate(STORE.dataDir());
        PostgresRecordStore store = open(keys);
        for (int from = 0; from < PATIENTS; from += 100) {
            List<ResourceWrite> batch = new ArrayList<>();
            for (int i = from; i < from + 100; i++) {
                batch.add(put(keys.blindIndex(), patient(i), patientJson(i, "Family" + i, "mrn-" + i)));
            }
            store.write(batch);
        }
        List<ResourceWrite> observations = new ArrayList<>();
        for (int i = 0; i < OBSERVATIONS; i++) {
            observations.add(put(keys.blindIndex(), new ResourceKey("Observation", "obs-" + i),
                    "{\"resourceType\":\"Observation\",\"code\":\"8867-4\"}"));
        }
        store.write(observations);
        store.write(List.of(new ResourceWrite.Delete(patient(PATIENTS - 1), OptionalLong.empty())));
    }

    // fixtures: a "resource" is JSON whose family name and MRN are its protected values

    private static ResourceKey patient(int i) {
        return new ResourceKey("Patient", "synthetic-" + String.format("%04d", i));
    }

    private static String patientJson(int i, String family, String mrn) {
        return "{\"resourceType\":\"Patient\",\"n\":" + i + ",\"family\":\"" + family + "\",\"mrn\":\"" + mrn + "\"}";
    }

    /** The index entries the node would make of {@code json}: tokens of its protected values, plain values of the rest. */
    private static IndexEntries entries(BlindIndex index, String json) {
        Set<String> identifiers = new HashSet<>();
        List<IndexValue> values = new ArrayList<>();
        Matcher mrn = MRN.matcher(json);
        if (mrn.find()) {
            identifiers.add(index.token("identifier", "urn:mrn|" + mrn.group(1)));
        }
        Matcher name = NAME.matcher(json);
        if (name.find()) {
            String family = name.group(1).toLowerCase();
            values.add(new IndexValue.Blind("family", index.token("search:family", family)));
            values.add(new IndexValue.Blind("family", index.token("search:family", family.substring(0, 2))));
        }
        values.add(new IndexValue.Token("code", "", json.contains("8867-4") ? "8867-4" : "patient"));
        return new IndexEntries(identifiers, Set.of(), values);
    }

    private static ResourceWrite put(BlindIndex index, ResourceKey key, String json) {
        return new ResourceWrite.Put(key, OptionalLong.empty(), json.getBytes(UTF_8), entries(index, json));
    }

    private static Function<StoredVersion, IndexEntries> reindexer(NodeKeys keys) {
        return version -> entries(keys.blindIndex(), new String(version.content(), UTF_8));
    }

    private static PostgresRecordStore open(NodeKeys keys) {
        return PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC());
    }

    private static BlindIndexRotation.Options batchesOf(int size) {
        return new BlindIndexRotation.Options(size, () -> true);
    }

    /** Searches as the node does, with the value's tokens under every key it holds. */
    private static void assertSearchesFind(PostgresRecordStore store, NodeKeys keys, int i) {
        List<String> mrn = keys.blindIndex().tokens("identifier", "urn:mrn|mrn-" + i);
        assertThat(store.findByIdentifier("Patient", mrn)).containsExactly(patient(i));
        assertThat(store.search(SearchQuery.of("Patient", Clause.of(new Criterion.IdentifierIs(mrn)))))
                .containsExactly(patient(i));
        assertThat(store.search(SearchQuery.of("Patient", Clause.of(new Criterion.BlindIs("family",
                keys.blindIndex().tokens("search:family", "family" + i)))))).containsExactly(patient(i));
    }

    private static Set<String> storedTokens() {
        Set<String> tokens = new HashSet<>();
        try (Connection c = STORE.dataSource().getConnection(); Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT token FROM identifier_tokens UNION ALL SELECT token FROM search_blind")) {
            while (rows.next()) {
                tokens.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return tokens;
    }

    /** Every token the live patients should have under {@code index}. */
    private static Set<String> expectedTokens(BlindIndex index, int patients) {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < patients; i++) {
            IndexEntries entries = entries(index, patientJson(i, "Family" + i, "mrn-" + i));
            tokens.addAll(entries.identifierTokens());
            entries.values().stream().filter(IndexValue.Blind.class::isInstance)
                    .forEach(v -> tokens.add(((IndexValue.Blind) v).token()));
        }
        return tokens;
    }

    // the rotation

    @Test
    void rotationShouldReplaceEveryTokenAndRetireTheOldKey() throws Exception {
        // given
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        int oldKey = keys.blindIndexPrimaryId();
        Path oldKeyset = Files.copy(NodeKeys.keysDir(STORE.dataDir()).resolve(NodeKeys.BLIND_INDEX_FILE),
                elsewhere.resolve("old-blind-index.json"));
        PostgresRecordStore store = open(keys);
        Set<String> before = storedTokens();
        long plainRows = Tables.count(STORE.dataSource(), "SELECT count(*) FROM search_token");
        List<long[]> reports = new ArrayList<>();

        // when
        BlindIndexRotation.Result result = store.rotateBlindIndex(reindexer(keys), batchesOf(64), (done, total) -> {
            reports.add(new long[] {done, total});
            assertSearchesFind(store, keys, (int) (done % (PATIENTS - 1)));
            assertSearchesFind(open(NodeKeys.load(STORE.dataDir())), NodeKeys.load(STORE.dataDir()), PATIENTS - 2);
        });

        // then
        assertThat(result).isEqualTo(new BlindIndexRotation.Result(true, PATIENTS - 1, 0));
        assertThat(reports.getFirst()).containsExactly(0, PATIENTS - 1);
        assertThat(reports.getLast()).containsExactly(PATIENTS - 1, PATIENTS - 1);
        assertThat(reports).hasSize(1 + (PATIENTS - 1 + 63) / 64);
        Set<String> after = storedTokens();
        assertThat(after).doesNotContainAnyElementsOf(before);
        NodeKeys reloaded = NodeKeys.load(STORE.dataDir());
        assertThat(reloaded.blindIndexKeyCount()).isEqualTo(1);
        assertThat(reloaded.blindIndexPrimaryId()).isNotEqualTo(oldKey).isEqualTo(keys.blindIndexPrimaryId());
        assertThat(after).isEqualTo(expectedTokens(reloaded.blindIndex(), PATIENTS - 1));
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM search_token")).isEqualTo(plainRows);
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM blind_index_rotation")).isZero();
        PostgresRecordStore restarted = open(reloaded);
        for (int i = 0; i < PATIENTS - 1; i += 37) {
            assertSearchesFind(restarted, reloaded, i);
        }
        assertThat(restarted.findByIdentifier("Patient", reloaded.blindIndex().tokens("identifier",
                "urn:mrn|mrn-" + (PATIENTS - 1)))).isEmpty();
        assertOldKeyIsRefused(oldKeyset);
    }

    @Test
    void rotationShouldSealTheNewTokensAndKeepReportingRowsChangedBeforeIt() {
        // given: one patient's plain search row changed in the database
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = open(keys);
        Tables.execute(STORE.dataSource(), "UPDATE search_token SET code = 'changed' WHERE id = 'synthetic-0007'");
        // when
        store.rotateBlindIndex(reindexer(keys), batchesOf(64), (done, total) -> { });
        // then: only that patient's index is reported; every other resource's new tokens match its seal
        List<org.bbehr.core.verify.VersionEvidence> evidence = new ArrayList<>();
        open(NodeKeys.load(STORE.dataDir())).evidence().forEachPage(org.bbehr.core.verify.VerifyScope.everything(),
                evidence::addAll);
        assertThat(evidence).hasSize(PATIENTS + 1 + OBSERVATIONS);
        assertThat(evidence.stream().filter(e -> e.indexProblem() != null).map(e -> e.key().id()))
                .containsExactly("synthetic-0007");
    }

    /** A node given the retired key (say from an old backup) refuses to start on this database. */
    private void assertOldKeyIsRefused(Path oldKeyset) throws Exception {
        Path keysDir = NodeKeys.keysDir(elsewhere.resolve("old-node"));
        Files.createDirectories(keysDir);
        Files.copy(NodeKeys.keysDir(STORE.dataDir()).resolve(NodeKeys.KEK_FILE), keysDir.resolve(NodeKeys.KEK_FILE));
        Files.copy(oldKeyset, keysDir.resolve(NodeKeys.BLIND_INDEX_FILE));
        NodeKeys old = NodeKeys.load(elsewhere.resolve("old-node"));
        assertThatThrownBy(() -> open(old)).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISMATCH));
    }

    @Test
    void interruptedRotationShouldKeepSearchesAnsweringAndResumeWhereItStopped() {
        // given: a rotation interrupted a third of the way
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        Set<String> before = storedTokens();
        PostgresRecordStore store = open(keys);
        assertThatThrownBy(() -> store.rotateBlindIndex(reindexer(keys), batchesOf(25), (done, total) -> {
            if (done >= total / 3) {
                throw new IllegalStateException("the operator pressed ctrl-c");
            }
        })).hasMessageContaining("ctrl-c");
        NodeKeys restarted = NodeKeys.load(STORE.dataDir());
        assertThat(restarted.blindIndexKeyCount()).isEqualTo(2);
        PostgresRecordStore reopened = open(restarted);
        for (int i = 0; i < PATIENTS - 1; i += 13) {
            assertSearchesFind(reopened, restarted, i);
        }
        List<long[]> reports = new ArrayList<>();

        // when
        BlindIndexRotation.Result result = reopened.rotateBlindIndex(reindexer(restarted), batchesOf(25),
                (done, total) -> reports.add(new long[] {done, total}));

        // then
        assertThat(result.finished()).isTrue();
        assertThat(result.reindexed()).isLessThan(PATIENTS * 3 / 4).isGreaterThan(PATIENTS / 2);
        assertThat(reports.getFirst()[0]).isGreaterThanOrEqualTo((PATIENTS - 1) / 3);
        assertThat(reports.getLast()).containsExactly(PATIENTS - 1, PATIENTS - 1);
        assertThat(storedTokens()).doesNotContainAnyElementsOf(before)
                .isEqualTo(expectedTokens(NodeKeys.load(STORE.dataDir()).blindIndex(), PATIENTS - 1));
        assertThat(NodeKeys.load(STORE.dataDir()).blindIndexKeyCount()).isEqualTo(1);
        for (int i = 0; i < PATIENTS - 1; i += 13) {
            assertSearchesFind(open(NodeKeys.load(STORE.dataDir())), NodeKeys.load(STORE.dataDir()), i);
        }
    }

    @Test
    void rotationAskedToStopShouldKeepBothKeysAndFinishWhenRunAgain() {
        // given
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = open(keys);
        AtomicInteger batches = new AtomicInteger();

        // when
        BlindIndexRotation.Result stopped = store.rotateBlindIndex(reindexer(keys),
                new BlindIndexRotation.Options(50, () -> batches.incrementAndGet() <= 2), (done, total) -> { });
        int keysWhileStopped = NodeKeys.load(STORE.dataDir()).blindIndexKeyCount();
        BlindIndexRotation.Result resumed = store.rotateBlindIndex(reindexer(keys), batchesOf(50), (done, total) -> { });

        // then
        assertThat(stopped).isEqualTo(new BlindIndexRotation.Result(false, 100, 0));
        assertThat(keysWhileStopped).isEqualTo(2);
        assertThat(resumed).isEqualTo(new BlindIndexRotation.Result(true, PATIENTS - 1 - 100, 0));
        assertThat(storedTokens()).isEqualTo(expectedTokens(NodeKeys.load(STORE.dataDir()).blindIndex(), PATIENTS - 1));
    }

    @Test
    void writesDuringARotationShouldStoreTokensThatSearchesFindAfterIt() {
        // given
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = open(keys);
        Set<String> before = storedTokens();
        AtomicInteger written = new AtomicInteger();

        // when: each batch, a new patient, and an update of one the rotation has not reached yet
        store.rotateBlindIndex(reindexer(keys), batchesOf(40), (done, total) -> {
            int n = written.getAndIncrement();
            int late = PATIENTS + n;
            int updated = (int) Math.min(done + 50, PATIENTS - 2);
            keys.blindIndex().withStablePrimary(() -> store.write(List.of(
                    put(keys.blindIndex(), patient(late), patientJson(late, "Family" + late, "mrn-" + late)),
                    put(keys.blindIndex(), patient(updated), patientJson(updated, "Renamed" + updated,
                            "mrn-" + updated)))));
        });

        // then: resources created since the new key took over are not re-indexed, so the rotation does not chase them
        assertThat(written.get()).isEqualTo(1 + (PATIENTS - 1 + 39) / 40);
        NodeKeys reloaded = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore restarted = open(reloaded);
        assertThat(storedTokens()).doesNotContainAnyElementsOf(before);
        for (int n = 0; n < written.get(); n++) {
            assertSearchesFind(restarted, reloaded, PATIENTS + n);
        }
        int renamed = PATIENTS - 2;
        assertThat(restarted.search(SearchQuery.of("Patient", Clause.of(new Criterion.BlindIs("family",
                reloaded.blindIndex().tokens("search:family", "renamed" + renamed)))))).containsExactly(patient(renamed));
        assertThat(restarted.findByIdentifier("Patient", reloaded.blindIndex().tokens("identifier",
                "urn:mrn|mrn-" + renamed))).containsExactly(patient(renamed));
    }

    @Test
    void recordThatDoesNotDecryptShouldLoseItsTokensWithoutStoppingTheRotation() {
        // given
        Tables.execute(STORE.dataSource(), "UPDATE versions SET ciphertext = ciphertext || '\\x00'::bytea"
                + " WHERE type = 'Patient' AND id = '" + patient(7).id() + "'");
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = open(keys);

        // when
        BlindIndexRotation.Result result = store.rotateBlindIndex(reindexer(keys), batchesOf(100), (done, total) -> { });

        // then
        assertThat(result).isEqualTo(new BlindIndexRotation.Result(true, PATIENTS - 2, 1));
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM identifier_tokens WHERE id = '"
                + patient(7).id() + "'")).isZero();
        assertSearchesFind(store, keys, 8);
    }

    @Test
    void keysFromConfigurationShouldRefuseARotation() throws Exception {
        // given
        Path dir = NodeKeys.keysDir(STORE.dataDir());
        NodeKeys configured = NodeKeys.fromConfiguration(base64(dir.resolve(NodeKeys.KEK_FILE)),
                base64(dir.resolve(NodeKeys.BLIND_INDEX_FILE)));
        PostgresRecordStore store = open(configured);

        // when / then
        assertThatThrownBy(() -> store.rotateBlindIndex(reindexer(configured), batchesOf(10), (done, total) -> { }))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_NOT_WRITABLE));
        assertThat(NodeKeys.load(STORE.dataDir()).blindIndexKeyCount()).isEqualTo(1);
    }

    private static String base64(Path file) throws Exception {
        return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }
}
