package org.bbehr.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.verify.VerifyScope;
import org.bbehr.core.verify.VersionEvidence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seal over each current version's index rows, on a real PostgreSQL: rows changed in the database show. */
class IndexSealIT {

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    private PostgresRecordStore store;

    @BeforeEach
    void emptyStore() {
        store = PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), Clock.systemUTC());
    }

    @Test
    void rowsAsWrittenShouldMatchTheirSealWhateverTheirValues() {
        // given: every kind of row, with values PostgreSQL stores in its own form (nanoseconds, scales, open ranges)
        put("Patient", "p1", 1, new IndexEntries(Set.of("tok-a", "tok-b"), Set.of(), List.of(
                new IndexValue.Blind("name", "blind-1"), new IndexValue.Blind("name", "blind-1"),
                new IndexValue.Date("birthdate", Instant.parse("1970-01-01T00:00:00.123456789Z"),
                        Instant.parse("1970-01-02T00:00:00Z")),
                new IndexValue.Date("death-date", Instant.MIN, Instant.MAX),
                new IndexValue.Token("gender", "", "female"),
                new IndexValue.Text("family-text", "o'brien|x:1"))));
        put("Observation", "o1", 1, new IndexEntries(Set.of(), Set.of(new ResourceKey("Patient", "p1")), List.of(
                new IndexValue.Reference("subject", "Patient", "p1", ""),
                new IndexValue.Number("value-quantity", new BigDecimal("120.50"), new BigDecimal("1.2E+2"),
                        "http://unitsofmeasure.org", "mm[Hg]"),
                new IndexValue.Uri("profile", "http://example.org/fhir/StructureDefinition/x"))));
        put("Observation", "o1", 2, new IndexEntries(Set.of(), Set.of(), List.of(
                new IndexValue.Token("status", "http://hl7.org/fhir/observation-status", "final"))));
        put("Basic", "empty", 1, IndexEntries.NONE);
        // when, then
        assertThat(indexProblems()).containsOnlyKeys("Patient/p1/1", "Observation/o1/1", "Observation/o1/2",
                "Basic/empty/1").allSatisfy((version, problem) -> assertThat(problem).isNull());
    }

    @Test
    void anEditedAddedOrRemovedRowShouldNameExactlyItsResourcesCurrentVersion() {
        // given
        for (String id : List.of("edited", "added", "removed", "moved-from", "moved-to", "token-removed", "untouched")) {
            put("Observation", id, 1, observationIndex(id));
            put("Observation", id, 2, observationIndex(id));
        }
        // when
        Tables.execute(STORE.dataSource(), "UPDATE search_token SET code = 'tampered' WHERE id = 'edited'");
        Tables.execute(STORE.dataSource(), "INSERT INTO search_string (type, id, param, value)"
                + " VALUES ('Observation', 'added', 'code-text', 'injected')");
        Tables.execute(STORE.dataSource(), "DELETE FROM search_date WHERE id = 'removed'");
        Tables.execute(STORE.dataSource(), "UPDATE search_reference SET id = 'moved-to' WHERE id = 'moved-from'");
        Tables.execute(STORE.dataSource(), "DELETE FROM identifier_tokens WHERE id = 'token-removed'");
        // then
        Map<String, String> problems = indexProblems();
        assertThat(problems).hasSize(14);
        assertThat(problems.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("Observation/edited/2", "Observation/added/2", "Observation/removed/2",
                        "Observation/moved-from/2", "Observation/moved-to/2", "Observation/token-removed/2");
        assertThat(problems.get("Observation/edited/2")).startsWith("search index or state changed");
    }

    @Test
    void aDeletedOrErasedResourceShouldHaveNoIndexToCheck() {
        // given
        put("Observation", "deleted", 1, observationIndex("deleted"));
        store.write(List.of(new ResourceWrite.Delete(new ResourceKey("Observation", "deleted"), OptionalLong.empty())));
        put("Observation", "erased", 1, observationIndex("erased"));
        store.erase(new ResourceKey("Observation", "erased"), "synthetic test erasure", "it-test");
        // when: rows appear for both
        Tables.execute(STORE.dataSource(), "INSERT INTO search_token (type, id, param, system, code)"
                + " VALUES ('Observation', 'deleted', 'code', '', 'x'), ('Observation', 'erased', 'code', '', 'x')");
        // then: neither is searchable (search reads only current, not deleted resources), nothing to report
        assertThat(indexProblems()).allSatisfy((version, problem) -> assertThat(problem).isNull());
    }

    @Test
    void aRemovedSealShouldBeReported() {
        // given
        put("Observation", "unsealed", 1, observationIndex("unsealed"));
        // when
        Tables.execute(STORE.dataSource(), "UPDATE resources SET index_seal = NULL WHERE id = 'unsealed'");
        // then
        assertThat(indexProblems().get("Observation/unsealed/1")).startsWith("search index not sealed");
    }

    @Test
    void aDeletedFlagFlippedInTheDatabaseShouldBeNamed() {
        // given: two live resources of two versions each, and a deleted one (before, flipping a flag made a resource
        // read as 404/410 and vanish from searches while $verify found nothing wrong)
        for (String id : List.of("hidden", "version-hidden", "untouched")) {
            put("Observation", id, 1, observationIndex(id));
            put("Observation", id, 2, observationIndex(id));
        }
        put("Observation", "resurrected", 1, observationIndex("resurrected"));
        store.write(List.of(new ResourceWrite.Delete(new ResourceKey("Observation", "resurrected"),
                OptionalLong.empty())));
        assertThat(indexProblems()).allSatisfy((version, problem) -> assertThat(problem).isNull());
        // when
        Tables.execute(STORE.dataSource(), "UPDATE resources SET deleted = true WHERE id = 'hidden'");
        Tables.execute(STORE.dataSource(), "UPDATE versions SET deleted = true WHERE id = 'version-hidden'"
                + " AND version = 1");
        Tables.execute(STORE.dataSource(), "UPDATE resources SET deleted = false WHERE id = 'resurrected'");
        Tables.execute(STORE.dataSource(), "UPDATE versions SET deleted = false WHERE id = 'resurrected'"
                + " AND version = 2");
        // then
        Map<String, String> problems = indexProblems();
        assertThat(problems.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("Observation/hidden/2", "Observation/version-hidden/1",
                        "Observation/resurrected/2");
        assertThat(problems.get("Observation/hidden/2")).startsWith("resource state changed");
        assertThat(problems.get("Observation/version-hidden/1")).startsWith("deleted flag changed");
        assertThat(problems.get("Observation/resurrected/2")).startsWith("deleted flag changed");
    }

    @Test
    void aLegalHoldOrLabelsChangedInTheDatabaseShouldBeNamedAndTheNodesOwnChangesNot() {
        // given: resources whose legal hold the node set (one of them deleted), and labelled ones
        for (String id : List.of("hold-lifted", "deleted-hold-lifted", "recategorised", "moved", "held")) {
            put("Observation", id, 1, observationIndex(id));
        }
        store.write(List.of(new ResourceWrite.Delete(new ResourceKey("Observation", "deleted-hold-lifted"),
                OptionalLong.empty())));
        for (String id : List.of("hold-lifted", "deleted-hold-lifted", "held")) {
            store.setLegalHold(new ResourceKey("Observation", id), true);
        }
        store.setLegalHold(new ResourceKey("Observation", "held"), false);
        store.setLegalHold(new ResourceKey("Observation", "held"), true);
        store.write(List.of(new ResourceWrite.Relabel(new ResourceKey("Observation", "moved"),
                new org.bbehr.core.record.AccessLabels(Set.of("p-moved"), org.bbehr.core.consent.Category.LABORATORY))));
        assertThat(indexProblems()).allSatisfy((version, problem) -> assertThat(problem).as(version).isNull());
        // when: a database writer lifts two holds (to erase past them), makes one record non-sensitive and moves one
        // out of its patient's compartment
        Tables.execute(STORE.dataSource(), "UPDATE resources SET legal_hold = false WHERE id IN ('hold-lifted',"
                + " 'deleted-hold-lifted')");
        Tables.execute(STORE.dataSource(), "UPDATE resources SET category = category + 1 WHERE id = 'recategorised'");
        Tables.execute(STORE.dataSource(), "UPDATE resources SET compartment = '{p-other}' WHERE id = 'moved'");
        // then
        Map<String, String> problems = indexProblems();
        assertThat(problems.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("Observation/hold-lifted/1", "Observation/deleted-hold-lifted/2",
                        "Observation/recategorised/1", "Observation/moved/1");
        assertThat(problems.get("Observation/hold-lifted/1")).startsWith("search index or state changed");
    }

    @Test
    void anEarlierStatePutBackWithItsSealShouldBeNamedAndStopAnErasure() throws Exception {
        // given: a resource's state and seal before a legal hold was set (a database writer kept a copy)
        put("Observation", "replayed", 1, observationIndex("replayed"));
        ResourceKey key = new ResourceKey("Observation", "replayed");
        Object[] before = stateRow("replayed");
        store.setLegalHold(key, true);
        assertThat(indexProblems().get("Observation/replayed/1")).isNull();
        // when: the copy is put back, seal and all (before, this lifted the hold unseen)
        try (var c = STORE.dataSource().getConnection(); var update = c.prepareStatement(
                "UPDATE resources SET legal_hold = ?, index_seal = ?, state_seq = ? WHERE id = 'replayed'")) {
            update.setBoolean(1, (Boolean) before[0]);
            update.setBytes(2, (byte[]) before[1]);
            update.setLong(3, (Long) before[2]);
            assertThat(update.executeUpdate()).isOne();
        }
        // then: named, and the hold it hid still keeps the resource from being erased
        assertThat(indexProblems().get("Observation/replayed/1")).startsWith("resource state put back: it is state 0,"
                + " but state 1 was recorded");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.erase(key, "synthetic test erasure", "it-test"))
                .isInstanceOfSatisfying(org.bbehr.core.BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(org.bbehr.core.ErrorCode.RECORD_TAMPERED));
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM data_keys WHERE id = 'replayed'"))
                .isOne();
    }

    @Test
    void aLegalHoldLiftedInTheDatabaseShouldNotLetAnErasureThrough() {
        // given
        put("Observation", "held-erased", 1, observationIndex("held-erased"));
        ResourceKey key = new ResourceKey("Observation", "held-erased");
        store.setLegalHold(key, true);
        // when
        Tables.execute(STORE.dataSource(), "UPDATE resources SET legal_hold = false WHERE id = 'held-erased'");
        // then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.erase(key, "synthetic test erasure", "it-test"))
                .isInstanceOfSatisfying(org.bbehr.core.BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(org.bbehr.core.ErrorCode.RECORD_TAMPERED))
                .hasMessageContaining("not the ones the node sealed");
        // and the node's own lifting of a hold lets it through
        Tables.execute(STORE.dataSource(), "UPDATE resources SET legal_hold = true WHERE id = 'held-erased'");
        store.setLegalHold(key, false);
        store.erase(key, "synthetic test erasure", "it-test");
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM data_keys WHERE id = 'held-erased'"))
                .isZero();
    }

    @Test
    void anOlderVersionPutBackAsCurrentWithItsSealShouldBeNamed() throws Exception {
        // given: version 1 and its seal (kept by a database writer), then version 2
        put("Observation", "rolled-back", 1, observationIndex("rolled-back"));
        Object[] first = stateRow("rolled-back");
        put("Observation", "rolled-back", 2, observationIndex("rolled-back"));
        // when: the resource row is put back to version 1, seal and all (before, that verified)
        try (var c = STORE.dataSource().getConnection(); var update = c.prepareStatement(
                "UPDATE resources SET current_version = 1, index_seal = ? WHERE id = 'rolled-back'")) {
            update.setBytes(1, (byte[]) first[1]);
            update.executeUpdate();
        }
        // then
        assertThat(indexProblems().get("Observation/rolled-back/1")).startsWith("resource rolled back");
    }

    @Test
    void aWriteShouldBeRefusedOverAStateChangedInTheDatabaseInsteadOfSealingIt() {
        // given: a held resource whose hold a database writer lifted
        put("Observation", "laundered", 1, observationIndex("laundered"));
        ResourceKey key = new ResourceKey("Observation", "laundered");
        store.setLegalHold(key, true);
        Tables.execute(STORE.dataSource(), "UPDATE resources SET legal_hold = false WHERE id = 'laundered'");
        // when / then: a new version would have sealed the lifted hold (before, it did, and the erasure went through)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> put("Observation", "laundered", 2,
                observationIndex("laundered"))).isInstanceOfSatisfying(org.bbehr.core.BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(org.bbehr.core.ErrorCode.RECORD_TAMPERED));
        assertThat(Tables.count(STORE.dataSource(), "SELECT current_version FROM resources WHERE id = 'laundered'"))
                .isOne();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.erase(key, "synthetic test erasure",
                "it-test")).isInstanceOf(org.bbehr.core.BbehrException.class);
    }

    @Test
    void aCompartmentRewrittenToReadTheSameJoinedShouldStillBeNamed() {
        // given: a record in two patients' compartments
        put("Observation", "shared", 1, observationIndex("shared"));
        store.write(List.of(new ResourceWrite.Relabel(new ResourceKey("Observation", "shared"),
                new org.bbehr.core.record.AccessLabels(Set.of("p1", "p2"), org.bbehr.core.consent.Category.LABORATORY))));
        assertThat(indexProblems().get("Observation/shared/1")).isNull();
        // when: the two ids become one id with a comma, in neither compartment (joined, they read the same)
        Tables.execute(STORE.dataSource(), "UPDATE resources SET compartment = '{\"p1,p2\"}' WHERE id = 'shared'");
        // then
        assertThat(indexProblems().get("Observation/shared/1")).startsWith("search index or state changed");
    }

    private static Object[] stateRow(String id) throws Exception {
        try (var c = STORE.dataSource().getConnection(); var select = c.prepareStatement(
                "SELECT legal_hold, index_seal, state_seq FROM resources WHERE id = ?")) {
            select.setString(1, id);
            try (var row = select.executeQuery()) {
                row.next();
                return new Object[] {row.getBoolean(1), row.getBytes(2), row.getLong(3)};
            }
        }
    }

    @Test
    void sealsMadeBeforeStateSealingShouldBeMadeAgainOnceAndBrokenOnesLeftBroken() throws Exception {
        // given: a store as the release before made it: seals over the index rows alone, none on deletions
        for (String id : List.of("intact", "edited")) {
            put("Observation", id, 1, observationIndex(id));
        }
        put("Observation", "deletion", 1, observationIndex("deletion"));
        store.write(List.of(new ResourceWrite.Delete(new ResourceKey("Observation", "deletion"), OptionalLong.empty())));
        List<ResourceKey> live = List.of(new ResourceKey("Observation", "intact"), new ResourceKey("Observation", "edited"));
        try (var c = STORE.dataSource().getConnection()) {
            Map<ResourceKey, org.bbehr.store.crypto.DataKey> keys = new DataKeys(STORE.keys()).load(c, live);
            Map<ResourceKey, byte[]> old = IndexSeal.digestsWithoutState(c, live);
            try (var update = c.prepareStatement("UPDATE resources SET index_seal = ? WHERE type = ? AND id = ?")) {
                for (ResourceKey key : live) {
                    update.setBytes(1, keys.get(key).sealIndex(key, 1, old.get(key)));
                    update.setString(2, key.type());
                    update.setString(3, key.id());
                    update.executeUpdate();
                }
            }
        }
        Tables.execute(STORE.dataSource(), "UPDATE resources SET index_seal = NULL WHERE id = 'deletion'");
        Tables.execute(STORE.superuser(), "INSERT INTO state_sealing VALUES (true)");
        // and one of them edited before the upgrade
        Tables.execute(STORE.dataSource(), "UPDATE search_token SET code = 'tampered' WHERE id = 'edited'");

        // when: the store is opened (the next start)
        store = PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), Clock.systemUTC());

        // then: the intact one and the deletion are sealed with their state, the edited one stays named
        Map<String, String> problems = indexProblems();
        assertThat(problems.get("Observation/intact/1")).isNull();
        assertThat(problems.get("Observation/deletion/2")).isNull();
        assertThat(problems.get("Observation/edited/1")).startsWith("search index or state changed");
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM state_sealing")).isZero();
        // and a second opening changes nothing
        store = PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), Clock.systemUTC());
        assertThat(indexProblems()).isEqualTo(problems);
    }

    private static IndexEntries observationIndex(String id) {
        return new IndexEntries(Set.of("identifier-" + id), Set.of(), List.of(
                new IndexValue.Token("code", "http://loinc.org", "8480-6"),
                new IndexValue.Date("date", Instant.parse("2020-03-01T10:00:00Z"), Instant.parse("2020-03-01T10:00:01Z")),
                new IndexValue.Reference("subject", "Patient", "p-" + id, "")));
    }

    private void put(String type, String id, long expectedNext, IndexEntries index) {
        store.write(List.of(new ResourceWrite.Put(new ResourceKey(type, id), OptionalLong.of(expectedNext - 1),
                ("{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                index)));
    }

    /** Each version's index problem (null when none), by {@code Type/id/version}. */
    private Map<String, String> indexProblems() {
        List<VersionEvidence> all = new ArrayList<>();
        store.evidence().forEachPage(VerifyScope.everything(), all::addAll);
        Map<String, String> problems = new HashMap<>();
        all.forEach(e -> problems.put(e.key() + "/" + e.version(), e.indexProblem()));
        return problems;
    }
}
