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
        assertThat(problems.get("Observation/edited/2")).startsWith("search index changed");
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
