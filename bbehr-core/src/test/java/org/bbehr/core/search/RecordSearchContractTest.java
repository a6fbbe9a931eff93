package org.bbehr.core.search;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.RecordStoreContractTest.TickingClock;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.search.Criterion.TextMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RecordSearch} adapter must answer, on index values written through its {@link RecordStore}.
 * Expected results are written by hand for each fixture.
 */
public abstract class RecordSearchContractTest {

    private static final String LOINC = "http://loinc.org";
    private static final String UCUM = "http://unitsofmeasure.org";

    protected RecordStore store;
    protected RecordSearch search;

    /** A new, empty store on {@code clock}, which must also be a {@link RecordSearch}. */
    protected abstract RecordStore newStore(Clock clock);

    @BeforeEach
    void createStore() {
        store = newStore(new TickingClock(Instant.parse("2026-01-05T09:00:00Z")));
        search = (RecordSearch) store;
        store.write(List.of(
                put(obs("hr-1"), token("code", LOINC, "8867-4"), ref("subject", "Patient", "alice"),
                        date("date", "2024-03-01T10:00:00Z", "2024-03-01T10:00:01Z"),
                        number("value-quantity", "72", UCUM, "/min")),
                put(obs("hr-2"), token("code", LOINC, "8867-4"), ref("subject", "Patient", "bob"),
                        date("date", "2024-03-02T00:00:00Z", "2024-03-03T00:00:00Z"),
                        number("value-quantity", "101.5", UCUM, "/min")),
                put(obs("bp-1"), token("code", LOINC, "85354-9"), token("code", "", "bp"),
                        ref("subject", "Patient", "alice"),
                        date("date", "2023-12-31T23:00:00Z", "2024-01-01T01:00:00Z")),
                put(obs("ext-1"), token("code", "http://snomed.info/sct", "8867-4"),
                        new IndexValue.Reference("subject", "Patient", null, "https://other.example/fhir/Patient/9"),
                        new IndexValue.Uri("instantiates", "http://example.org/fhir/Questionnaire/q1")),
                put(patient("alice"), new IndexValue.Blind("name", "tok-al"), new IndexValue.Blind("name", "tok-ali"),
                        new IndexValue.Text("address-use-text", "home")),
                put(patient("bob"), new IndexValue.Blind("name", "tok-bo"),
                        new IndexValue.Text("address-use-text", "homestead"))));
    }

    // tokens

    @Test
    void tokenShouldMatchSystemAndCodeOrCodeInAnySystemOrCodeWithoutSystem() {
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", LOINC, "8867-4")))))
                .containsExactly("hr-1", "hr-2");
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", null, "8867-4")))))
                .containsExactly("ext-1", "hr-1", "hr-2");
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", "", "bp")))))
                .containsExactly("bp-1");
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", "", "8867-4"))))).isEmpty();
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", LOINC, null)))))
                .containsExactly("bp-1", "hr-1", "hr-2");
    }

    @Test
    void commaShouldBeOrAndRepeatedParametersAnd() {
        // given
        Clause heartRateOrBp = new Clause(List.of(new Criterion.TokenIs("code", LOINC, "8867-4"),
                new Criterion.TokenIs("code", LOINC, "85354-9")), false);
        Clause alice = Clause.of(new Criterion.ReferenceTo("subject", "Patient", "alice", null));

        // then
        assertThat(ids(query("Observation", heartRateOrBp))).containsExactly("bp-1", "hr-1", "hr-2");
        assertThat(ids(query("Observation", heartRateOrBp, alice))).containsExactly("bp-1", "hr-1");
    }

    @Test
    void negatedClauseShouldMatchResourcesWithoutAnyOfTheValues() {
        // given
        Clause notHeartRate = new Clause(List.of(new Criterion.TokenIs("code", LOINC, "8867-4")), true);

        // then
        assertThat(ids(query("Observation", notHeartRate))).containsExactly("bp-1", "ext-1");
    }

    @Test
    void blindTokenShouldMatchOnlyItsParameterAndType() {
        assertThat(ids(query("Patient", Clause.of(new Criterion.BlindIs("name", "tok-al"))))).containsExactly("alice");
        assertThat(ids(query("Patient", Clause.of(new Criterion.BlindIs("family", "tok-al"))))).isEmpty();
        assertThat(ids(query("Observation", Clause.of(new Criterion.BlindIs("name", "tok-al"))))).isEmpty();
    }

    @Test
    void blindValueShouldMatchByAnyOfItsTokensUnderEachKey() {
        // given: a value's tokens under a new key and an old one, as a search makes them during a key rotation
        Criterion aliceUnderBothKeys = new Criterion.BlindIs("name", List.of("tok-new-al", "tok-al"));
        Criterion bobUnderBothKeys = new Criterion.BlindIs("name", List.of("tok-new-bo", "tok-bo"));

        // then
        assertThat(ids(query("Patient", Clause.of(aliceUnderBothKeys)))).containsExactly("alice");
        assertThat(ids(query("Patient", new Clause(List.of(aliceUnderBothKeys, bobUnderBothKeys), false))))
                .containsExactly("alice", "bob");
        assertThat(ids(query("Patient", new Clause(List.of(aliceUnderBothKeys), true)))).containsExactly("bob");
        assertThat(ids(query("Patient", Clause.of(new Criterion.BlindIs("name", List.of("tok-new-al"))))))
                .isEmpty();
        assertThat(search.count(SearchQuery.of("Patient", Clause.of(aliceUnderBothKeys)))).isEqualTo(1);
    }

    @Test
    void identifierShouldMatchByAnyOfItsTokensUnderEachKey() {
        // given
        store.write(List.of(new ResourceWrite.Put(patient("carol"), OptionalLong.empty(),
                "{\"resourceType\":\"Patient\",\"id\":\"carol\"}".getBytes(UTF_8),
                new IndexEntries(Set.of("tok-mrn-7"), Set.of()))));

        // then
        assertThat(ids(query("Patient", Clause.of(new Criterion.IdentifierIs(List.of("tok-new-mrn-7", "tok-mrn-7"))))))
                .containsExactly("carol");
        assertThat(ids(query("Patient", Clause.of(new Criterion.IdentifierIs(List.of("tok-new-mrn-7")))))).isEmpty();
        assertThat(ids(query("Patient", new Clause(List.of(new Criterion.IdentifierIs(
                List.of("tok-new-mrn-7", "tok-mrn-7"))), true)))).containsExactly("alice", "bob");
    }

    // strings, uris, references

    @Test
    void textShouldMatchByPrefixExactlyOrAnywhere() {
        assertThat(ids(query("Patient", text("hom", TextMode.PREFIX)))).containsExactly("alice", "bob");
        assertThat(ids(query("Patient", text("home", TextMode.EXACT)))).containsExactly("alice");
        assertThat(ids(query("Patient", text("stea", TextMode.CONTAINS)))).containsExactly("bob");
        assertThat(ids(query("Patient", text("%", TextMode.CONTAINS)))).isEmpty();
    }

    @Test
    void referenceShouldMatchByIdByTypeAndIdAndByUrl() {
        assertThat(ids(query("Observation", Clause.of(new Criterion.ReferenceTo("subject", null, "alice", null)))))
                .containsExactly("bp-1", "hr-1");
        assertThat(ids(query("Observation", Clause.of(new Criterion.ReferenceTo("subject", "Group", "alice", null)))))
                .isEmpty();
        assertThat(ids(query("Observation", Clause.of(new Criterion.ReferenceTo("subject", null, null,
                "https://other.example/fhir/Patient/9"))))).containsExactly("ext-1");
    }

    @Test
    void referenceWithoutIdShouldMatchAnyTargetOfItsTypeHereOrAtAUrl() {
        assertThat(ids(query("Observation", Clause.of(new Criterion.ReferenceTo("subject", "Patient", null, null)))))
                .containsExactly("bp-1", "ext-1", "hr-1", "hr-2");
        assertThat(ids(query("Observation", Clause.of(new Criterion.ReferenceTo("subject", "Group", null, null)))))
                .isEmpty();
        assertThat(ids(query("Observation", new Clause(List.of(new Criterion.ReferenceTo("subject", "Patient", null,
                null)), true)))).isEmpty();
    }

    @Test
    void uriShouldMatchExactlyOrBelow() {
        assertThat(ids(query("Observation", Clause.of(new Criterion.UriIs("instantiates",
                "http://example.org/fhir/Questionnaire/q1", false))))).containsExactly("ext-1");
        assertThat(ids(query("Observation", Clause.of(new Criterion.UriIs("instantiates",
                "http://example.org/fhir", false))))).isEmpty();
        assertThat(ids(query("Observation", Clause.of(new Criterion.UriIs("instantiates",
                "http://example.org/fhir", true))))).containsExactly("ext-1");
    }

    // dates and numbers

    @Test
    void dateShouldCompareRangesWithEachPrefix() {
        // the day 2024-03-01 in UTC
        Instant low = Instant.parse("2024-03-01T00:00:00Z");
        Instant high = Instant.parse("2024-03-02T00:00:00Z");
        assertThat(ids(query("Observation", date(Comparison.EQ, low, high)))).containsExactly("hr-1");
        assertThat(ids(query("Observation", date(Comparison.NE, low, high)))).containsExactly("bp-1", "hr-2");
        assertThat(ids(query("Observation", date(Comparison.GT, low, high)))).containsExactly("hr-2");
        assertThat(ids(query("Observation", date(Comparison.GE, low, high)))).containsExactly("hr-1", "hr-2");
        assertThat(ids(query("Observation", date(Comparison.LT, low, high)))).containsExactly("bp-1");
        assertThat(ids(query("Observation", date(Comparison.LE, low, high)))).containsExactly("bp-1", "hr-1");
        // the year 2024 overlaps bp-1's period, which starts in 2023
        Instant y2024 = Instant.parse("2024-01-01T00:00:00Z");
        Instant y2025 = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(ids(query("Observation", date(Comparison.EQ, y2024, y2025)))).containsExactly("hr-1", "hr-2");
        assertThat(ids(query("Observation", date(Comparison.AP, y2024, y2025)))).containsExactly("bp-1", "hr-1",
                "hr-2");
    }

    @Test
    void numberShouldCompareWithPrecisionAndUnits() {
        // 72 means [71.5, 72.5)
        assertThat(ids(query("Observation", quantity(Comparison.EQ, "72", "71.5", "72.5", UCUM, "/min"))))
                .containsExactly("hr-1");
        assertThat(ids(query("Observation", quantity(Comparison.GT, "72", "71.5", "72.5", null, null))))
                .containsExactly("hr-2");
        assertThat(ids(query("Observation", quantity(Comparison.GE, "72", "71.5", "72.5", null, null))))
                .containsExactly("hr-1", "hr-2");
        assertThat(ids(query("Observation", quantity(Comparison.EQ, "72", "71.5", "72.5", UCUM, "mg")))).isEmpty();
        assertThat(ids(query("Observation", quantity(Comparison.LT, "101.5", "101.45", "101.55", null, "/min"))))
                .containsExactly("hr-1");
    }

    // the resource itself, missing values

    @Test
    void idAndLastUpdatedShouldMatchTheResourceItself() {
        // given
        Instant before = Instant.now().minusSeconds(3600 * 24 * 365 * 10L);

        // then
        assertThat(ids(query("Observation", new Clause(List.of(new Criterion.IdIs("hr-2"), new Criterion.IdIs("x")),
                false)))).containsExactly("hr-2");
        assertThat(ids(query("Observation", Clause.of(new Criterion.LastUpdatedIn(Comparison.GT, before,
                before.plusSeconds(1)))))).hasSize(4);
        assertThat(ids(query("Observation", Clause.of(new Criterion.LastUpdatedIn(Comparison.LT, before,
                before.plusSeconds(1)))))).isEmpty();
    }

    @Test
    void missingShouldTellResourcesWithAndWithoutValues() {
        assertThat(ids(query("Observation", Clause.of(new Criterion.Missing("value-quantity",
                Criterion.IndexKind.NUMBER, true))))).containsExactly("bp-1", "ext-1");
        assertThat(ids(query("Observation", Clause.of(new Criterion.Missing("value-quantity",
                Criterion.IndexKind.NUMBER, false))))).containsExactly("hr-1", "hr-2");
    }

    // versions, order, limits

    @Test
    void updateAndDeleteShouldReplaceAndRemoveTheIndexValues() {
        // given
        store.write(List.of(put(obs("hr-1"), token("code", LOINC, "9279-1"))));
        store.write(List.of(new ResourceWrite.Delete(obs("hr-2"), OptionalLong.empty())));

        // then
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", LOINC, "8867-4"))))).isEmpty();
        assertThat(ids(query("Observation", Clause.of(new Criterion.TokenIs("code", LOINC, "9279-1")))))
                .containsExactly("hr-1");
        assertThat(ids(query("Observation", Clause.of(new Criterion.ReferenceTo("subject", null, "bob", null)))))
                .isEmpty();
    }

    @Test
    void sortShouldOrderByDateOrTextThenIdAndKeepResourcesWithoutValuesLast() {
        // given
        Clause all = Clause.of(new Criterion.TokenIs("code", null, null));

        // then
        assertThat(ids(search.search(SearchQuery.of("Observation", all).withSort(List.of(
                new SortKey(SortKey.Kind.DATE, "date", false)))))).containsExactly("bp-1", "hr-1", "hr-2", "ext-1");
        assertThat(ids(search.search(SearchQuery.of("Observation", all).withSort(List.of(
                new SortKey(SortKey.Kind.DATE, "date", true)))))).containsExactly("hr-2", "hr-1", "bp-1", "ext-1");
        assertThat(ids(search.search(SearchQuery.of("Patient").withSort(List.of(
                new SortKey(SortKey.Kind.TEXT, "address-use-text", true)))))).containsExactly("bob", "alice");
    }

    @Test
    void limitShouldCutTheResultsAndCountShouldNot() {
        // given
        SearchQuery all = SearchQuery.of("Observation").withLimit(2);

        // then
        assertThat(ids(search.search(all))).containsExactly("bp-1", "ext-1");
        assertThat(search.count(all)).isEqualTo(4);
    }

    @Test
    void pagesShouldContinueAfterTheLastPositionInEveryOrder() {
        // given
        SearchQuery all = SearchQuery.of("Observation");
        List<List<SortKey>> orders = List.of(List.of(),
                List.of(new SortKey(SortKey.Kind.DATE, "date", false)),
                List.of(new SortKey(SortKey.Kind.DATE, "date", true)),
                List.of(new SortKey(SortKey.Kind.LAST_UPDATED, "_lastUpdated", true)),
                List.of(new SortKey(SortKey.Kind.ID, "_id", true)),
                List.of(new SortKey(SortKey.Kind.TEXT, "address-use-text", false),
                        new SortKey(SortKey.Kind.DATE, "date", true)));

        for (List<SortKey> order : orders) {
            // when
            List<String> paged = new ArrayList<>();
            Optional<SearchPage.Position> after = Optional.empty();
            SearchPage page;
            do {
                page = search.searchFrom(all.withSort(order).withLimit(1), after);
                paged.addAll(ids(page.keys()));
                after = page.last().isPresent() ? page.last() : after;
            } while (!page.keys().isEmpty());

            // then
            assertThat(paged).as("order %s", order).hasSize(4)
                    .containsExactlyElementsOf(ids(search.search(all.withSort(order))));
        }
    }

    @Test
    void nextPageShouldNeitherRepeatNorSkipWhenEarlierMatchesChange() {
        // given
        SearchQuery heartRates = SearchQuery.of("Observation", Clause.of(new Criterion.TokenIs("code", null, null)))
                .withLimit(2);
        SearchPage first = search.searchFrom(heartRates, Optional.empty());

        // when
        store.write(List.of(new ResourceWrite.Delete(obs(first.keys().getFirst().id()), OptionalLong.empty())));
        SearchPage second = search.searchFrom(heartRates, first.last());

        // then
        assertThat(ids(first.keys())).containsExactly("bp-1", "ext-1");
        assertThat(ids(second.keys())).containsExactly("hr-1", "hr-2");
        assertThat(second.last()).map(SearchPage.Position::id).contains("hr-2");
        assertThat(search.searchFrom(heartRates, second.last()).keys()).isEmpty();
    }

    // fixtures

    private List<ResourceKey> query(String type, Clause... clauses) {
        return search.search(SearchQuery.of(type, clauses));
    }

    private static List<String> ids(List<ResourceKey> keys) {
        return keys.stream().map(ResourceKey::id).toList();
    }

    private static Clause text(String value, TextMode mode) {
        return Clause.of(new Criterion.TextMatches("address-use-text", value, mode));
    }

    private static Clause date(Comparison comparison, Instant low, Instant high) {
        return Clause.of(new Criterion.DateIn("date", comparison, low, high));
    }

    private static Clause quantity(Comparison comparison, String value, String low, String high, String system,
            String code) {
        return Clause.of(new Criterion.NumberIn("value-quantity", comparison, new BigDecimal(value),
                new BigDecimal(low), new BigDecimal(high), system, code));
    }

    private static ResourceKey obs(String id) {
        return new ResourceKey("Observation", id);
    }

    private static ResourceKey patient(String id) {
        return new ResourceKey("Patient", id);
    }

    private static IndexValue token(String param, String system, String code) {
        return new IndexValue.Token(param, system, code);
    }

    private static IndexValue ref(String param, String type, String id) {
        return new IndexValue.Reference(param, type, id, null);
    }

    private static IndexValue date(String param, String low, String high) {
        return new IndexValue.Date(param, Instant.parse(low), Instant.parse(high));
    }

    private static IndexValue number(String param, String value, String system, String code) {
        return new IndexValue.Number(param, new BigDecimal(value), new BigDecimal(value), system, code);
    }

    private static ResourceWrite put(ResourceKey key, IndexValue... values) {
        List<IndexValue> list = new ArrayList<>(List.of(values));
        String json = "{\"resourceType\":\"" + key.type() + "\",\"id\":\"" + key.id() + "\"}";
        return new ResourceWrite.Put(key, OptionalLong.empty(), json.getBytes(UTF_8),
                new IndexEntries(Set.of(), Set.of(), list));
    }
}
