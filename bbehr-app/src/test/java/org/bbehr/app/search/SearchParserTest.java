package org.bbehr.app.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Comparison;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.SortKey;
import org.junit.jupiter.api.Test;

class SearchParserTest {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    final ProtectedFields fields = new ProtectedFields(new HmacBlindIndex(new byte[32]));
    final SearchParser parser = new SearchParser(CONTEXT, fields,
            (system, value) -> List.of("id:" + system + "|" + value),
            new SearchIndexer(CONTEXT, new HmacBlindIndex(new byte[32])));

    ParsedSearch parse(String type, String... nameValues) {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            parameters.merge(nameValues[i], new String[] {nameValues[i + 1]}, (a, b) -> {
                String[] both = new String[a.length + b.length];
                System.arraycopy(a, 0, both, 0, a.length);
                System.arraycopy(b, 0, both, a.length, b.length);
                return both;
            });
        }
        return parser.parse(type, parameters, false, url -> url.startsWith("http://node/fhir/")
                ? url.substring("http://node/fhir/".length()) : null);
    }

    static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void repeatedParametersShouldBeAndAndCommasOr() {
        // when
        ParsedSearch search = parse("Observation", "code", "a,b\\,c", "code", "http://loinc.org|", "code:not", "|d");

        // then
        assertThat(search.query().clauses()).containsExactly(
                new Clause(List.of(new Criterion.TokenIs("code", null, "a"), new Criterion.TokenIs("code", null, "b,c")),
                        false),
                Clause.of(new Criterion.TokenIs("code", "http://loinc.org", null)),
                new Clause(List.of(new Criterion.TokenIs("code", "", "d")), true));
    }

    @Test
    void referencesShouldBeLocalWhenTheUrlIsThisServers() {
        // when
        ParsedSearch search = parse("Observation", "subject", "http://node/fhir/Patient/p1", "subject",
                "https://elsewhere.example/Patient/9", "subject:Patient", "p2");

        // then
        assertThat(search.query().clauses()).containsExactly(
                Clause.of(new Criterion.ReferenceTo("subject", "Patient", "p1", null)),
                Clause.of(new Criterion.ReferenceTo("subject", null, null, "https://elsewhere.example/Patient/9")),
                Clause.of(new Criterion.ReferenceTo("subject", "Patient", "p2", null)));
    }

    @Test
    void patientShouldBeSearchedOnTheSubjectsReferencesToPatients() {
        // when
        ParsedSearch search = parse("Observation", "patient", "Patient/p1", "patient", "p2", "patient",
                "https://elsewhere.example/fhir/Patient/9", "patient:missing", "true");

        // then
        assertThat(search.query().clauses()).containsExactly(
                Clause.of(new Criterion.ReferenceTo("subject", "Patient", "p1", null)),
                Clause.of(new Criterion.ReferenceTo("subject", "Patient", "p2", null)),
                Clause.of(new Criterion.ReferenceTo("subject", null, null, "https://elsewhere.example/fhir/Patient/9")),
                new Clause(List.of(new Criterion.ReferenceTo("subject", "Patient", null, null)), true));
    }

    @Test
    void patientOfAnotherTypeShouldStayOnTheParameterWithoutRows() {
        // when
        ParsedSearch search = parse("Observation", "patient:Group", "g1", "patient", "https://elsewhere.example/Group/9");

        // then
        assertThat(search.query().clauses()).containsExactly(
                Clause.of(new Criterion.ReferenceTo("patient", "Group", "g1", null)),
                Clause.of(new Criterion.ReferenceTo("patient", null, null, "https://elsewhere.example/Group/9")));
    }

    @Test
    void unionShouldBeSearchedOnEachOfItsParameters() {
        // when
        ParsedSearch search = parse("Observation", "combo-code:not", "a,b", "combo-code:missing", "true");

        // then
        assertThat(search.query().clauses()).containsExactly(
                new Clause(List.of(new Criterion.TokenIs("code", null, "a"),
                        new Criterion.TokenIs("component-code", null, "a"), new Criterion.TokenIs("code", null, "b"),
                        new Criterion.TokenIs("component-code", null, "b")), true),
                new Clause(List.of(new Criterion.Missing("code", Criterion.IndexKind.TOKEN, false),
                        new Criterion.Missing("component-code", Criterion.IndexKind.TOKEN, false)), true));
    }

    @Test
    void identicalParameterShouldUseTheOtherOnesTokens() {
        // then
        assertThat(parse("Patient", "phonetic", "Zoë").query()).isEqualTo(parse("Patient", "name", "zoe").query());
    }

    @Test
    void datesShouldBecomeRangesInUtcWithTheirPrefix() {
        // when
        ParsedSearch search = parse("Observation", "date", "ge2024-03", "_lastUpdated", "lt2025-01-01T10:00:00+02:00");

        // then
        assertThat(search.query().clauses()).containsExactly(
                Clause.of(new Criterion.DateIn("date", Comparison.GE, Instant.parse("2024-03-01T00:00:00Z"),
                        Instant.parse("2024-04-01T00:00:00Z"))),
                Clause.of(new Criterion.LastUpdatedIn(Comparison.LT, Instant.parse("2025-01-01T08:00:00Z"),
                        Instant.parse("2025-01-01T08:00:01Z"))));
        assertCode(() -> parse("Observation", "date", "2024-02-30"), ErrorCode.SEARCH_INVALID_VALUE);
    }

    @Test
    void protectedValuesShouldBecomeTokensAndRefuseWhatTokensCannotDo() {
        // when
        ParsedSearch search = parse("Patient", "name", "Zoë Ærø", "birthdate", "1980-04-07");

        // then
        assertThat(search.query().clauses()).containsExactly(
                Clause.of(new Criterion.BlindIs("name", fields.nameQueryTokens("Patient", "name", "zoe"))),
                Clause.of(new Criterion.BlindIs("name", fields.nameQueryTokens("Patient", "name", "aero"))),
                Clause.of(new Criterion.BlindIs("birthdate", fields.birthDateQueryTokens("Patient", "birthdate",
                        "1980-04-07"))));
        assertThat(search.query().toString()).doesNotContainIgnoringCase("zoë").doesNotContain("1980-04");
        assertCode(() -> parse("Patient", "birthdate", "lt1980"), ErrorCode.SEARCH_PROTECTED_FIELD);
        assertCode(() -> parse("Patient", "birthdate", "1980-04"), ErrorCode.SEARCH_PROTECTED_FIELD);
        assertCode(() -> parse("Patient", "name", " "), ErrorCode.SEARCH_PROTECTED_FIELD);
        assertCode(() -> parse("Patient", "family:exact", "zoe"), ErrorCode.SEARCH_PROTECTED_FIELD);
        assertCode(() -> parse("Patient", "_sort", "-birthdate"), ErrorCode.SEARCH_PROTECTED_FIELD);
    }

    @Test
    void unknownParametersShouldBeReportedByNameOrRefusedWhenStrict() {
        // when
        ParsedSearch lenient = parse("Observation", "colour", "blue", "subject.name", "x", "code:text", "y",
                "_content", "z");

        // then
        assertThat(lenient.ignored()).containsExactly("colour", "subject.name", "code:text", "_content");
        assertThat(lenient.query().clauses()).isEmpty();
        assertCode(() -> parser.parse("Observation", Map.of("colour", new String[] {"blue"}), true, url -> null),
                ErrorCode.SEARCH_UNSUPPORTED);
    }

    @Test
    void sortAndIncludesShouldBeParsedAndChecked() {
        // when
        ParsedSearch search = parse("Observation", "_sort", "-date,_id", "_include", "Observation:subject:Patient",
                "_revinclude", "Provenance:target");

        // then
        assertThat(search.query().sort()).containsExactly(new SortKey(SortKey.Kind.DATE, "date", true),
                new SortKey(SortKey.Kind.ID, "_id", false));
        assertThat(search.includes()).containsExactly(new ParsedSearch.Include("Observation", "subject", "Patient"));
        assertThat(search.revIncludes()).containsExactly(new ParsedSearch.Include("Provenance", "target", null));
        assertCode(() -> parse("Observation", "_include", "Patient:link"), ErrorCode.SEARCH_INVALID_VALUE);
        assertCode(() -> parse("Observation", "_include", "Observation:code"), ErrorCode.SEARCH_INVALID_VALUE);
        assertCode(() -> parse("Observation", "_sort", "code"), ErrorCode.SEARCH_UNSUPPORTED);
    }

    @Test
    void numbersShouldCarryTheRangeOfTheirPrecision() {
        // when
        ParsedSearch search = parse("Observation", "value-quantity", "le5.40|http://unitsofmeasure.org|mg");

        // then
        assertThat(search.query().clauses()).containsExactly(Clause.of(new Criterion.NumberIn("value-quantity",
                Comparison.LE, new java.math.BigDecimal("5.40"), new java.math.BigDecimal("5.395"),
                new java.math.BigDecimal("5.405"), "http://unitsofmeasure.org", "mg")));
    }
}
