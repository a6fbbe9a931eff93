package org.bbehr.app.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.record.IndexValue;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.*;
import org.junit.jupiter.api.Test;

class SearchIndexerTest {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    final SearchIndexer indexer = new SearchIndexer(CONTEXT, new HmacBlindIndex(new byte[32]));

    static Patient alice() {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:mrn").setValue("MRN-IDX-1");
        patient.addName().setFamily("Indexfixture").addGiven("Alice");
        patient.setBirthDateElement(new DateType("1980-04-12"));
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0100");
        patient.addAddress().setCity("Springfield").setPostalCode("SP1").setUse(Address.AddressUse.HOME);
        patient.setManagingOrganization(new Reference("Organization/st-marys"));
        return patient;
    }

    static Observation bloodPressure() {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "85354-9", null)));
        observation.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", null)));
        observation.setSubject(new Reference("Patient/alice")).setEncounter(new Reference("Encounter/e1"));
        observation.setEffective(new DateTimeType("2024-03-01T10:00:00+01:00"));
        observation.addPerformer(new Reference("Practitioner/bob"));
        observation.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "8480-6", null)))
                .setValue(new Quantity().setValue(120).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
        observation.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "8462-4", null)))
                .setValue(new Quantity().setValue(80).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
        return observation;
    }

    static Condition asthma() {
        return new Condition().setSubject(new Reference("Patient/alice"))
                .setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "195967001", null)))
                .setOnset(new Age().setValue(12).setSystem("http://unitsofmeasure.org").setCode("a"))
                .setAbatement(new StringType("in remission"))
                .setRecordedDateElement(new DateTimeType("2024-01-02"));
    }

    static Encounter checkup() {
        Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
                .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null))
                .setSubject(new Reference("Patient/alice"))
                .setPeriod(new Period().setStartElement(new DateTimeType("2024-03-01T09:00:00Z")));
        encounter.addParticipant().setIndividual(new Reference("Practitioner/bob"));
        return encounter;
    }

    @Test
    void simplePathsShouldFindExactlyWhatTheFhirPathEngineFinds() {
        for (var resource : List.of(alice(), bloodPressure(), asthma(), checkup(), new MedicationRequest()
                .setSubject(new Reference("Patient/alice")).setAuthoredOnElement(new DateTimeType("2024-02-02")))) {
            int simple = 0;
            for (SearchIndexer.Param param : indexer.params(resource.fhirType())) {
                for (SearchIndexer.Path path : param.paths()) {
                    if (path.simple() == null) {
                        continue;
                    }
                    simple++;
                    // when
                    List<IBase> walked = path.simple().evaluate(resource);
                    List<IBase> engine = indexer.evaluate(resource, param, path);

                    // then
                    assertThat(walked).as(resource.fhirType() + "." + param.name()).containsExactlyElementsOf(engine);
                }
            }
            assertThat(simple).as(resource.fhirType()).isGreaterThan(5);
        }
    }

    @Test
    void extractShouldIndexClinicalValuesInPlainFormAndEachParameterOnce() {
        // when
        List<IndexValue> values = indexer.extract(bloodPressure());

        // then
        assertThat(values).contains(new IndexValue.Token("code", "http://loinc.org", "85354-9"),
                new IndexValue.Token("component-code", "http://loinc.org", "8480-6"),
                new IndexValue.Reference("subject", "Patient", "alice", null),
                new IndexValue.Reference("performer", "Practitioner", "bob", null),
                new IndexValue.Number("component-value-quantity", new java.math.BigDecimal("120"),
                        new java.math.BigDecimal("120"), "http://unitsofmeasure.org", "mm[Hg]"),
                new IndexValue.Number("component-value-quantity", new java.math.BigDecimal("80"),
                        new java.math.BigDecimal("80"), "http://unitsofmeasure.org", "mm[Hg]"),
                new IndexValue.Date("date", java.time.Instant.parse("2024-03-01T09:00:00Z"),
                        java.time.Instant.parse("2024-03-01T09:00:01Z")));
        assertThat(values).doesNotHaveDuplicates();
        assertThat(values).extracting(IndexValue::param).doesNotContain("patient", "combo-code",
                "combo-value-quantity");
    }

    @Test
    void aliasesShouldNameTheParametersWhoseRowsAnswerThem() {
        // when
        var observation = indexer.aliases("Observation");

        // then
        assertThat(observation.get("patient")).isEqualTo(new ParamAliases.Alias(List.of("subject"), "Patient"));
        assertThat(observation.get("combo-code").params()).containsExactlyInAnyOrder("code", "component-code");
        assertThat(observation.get("combo-value-quantity").params())
                .containsExactlyInAnyOrder("value-quantity", "component-value-quantity");
        assertThat(observation).doesNotContainKeys("subject", "code", "component-code", "value-quantity");
        assertThat(indexer.aliases("Patient").get("phonetic")).isEqualTo(new ParamAliases.Alias(List.of("name"), null));
        assertThat(indexer.aliases("Encounter").get("practitioner"))
                .isEqualTo(new ParamAliases.Alias(List.of("participant"), "Practitioner"));
    }

    @Test
    void aliasShouldHoldExactlyTheValuesOfWhatItIsMadeOf() {
        Observation elsewhere = bloodPressure().setSubject(new Reference("https://other.example/fhir/Patient/9"));
        Encounter seenByBoth = checkup();
        seenByBoth.addParticipant().setIndividual(new Reference("RelatedPerson/carer"));
        // tokens that do not depend on the parameter, so that an alias's tokens can be compared with its parts'
        SearchIndexer plain = new SearchIndexer(CONTEXT, (kind, value) -> "token of " + value);
        for (var resource : List.of(alice(), bloodPressure(), elsewhere, asthma(), seenByBoth,
                new Observation().setSubject(new Reference("Group/g1")))) {
            plain.aliases(resource.fhirType()).forEach((name, alias) -> {
                // when
                List<IndexValue> own = plain.extract(resource, name);
                List<IndexValue> parts = alias.params().stream()
                        .flatMap(part -> plain.extract(resource, part).stream())
                        .filter(v -> alias.targetType() == null
                                || alias.targetType().equals(((IndexValue.Reference) v).targetType()))
                        .map(v -> renamed(v, name)).distinct().toList();

                // then
                assertThat(own).as(resource.fhirType() + "." + name).containsExactlyInAnyOrderElementsOf(parts);
            });
        }
    }

    private static IndexValue renamed(IndexValue value, String param) {
        return switch (value) {
            case IndexValue.Token t -> new IndexValue.Token(param, t.system(), t.code());
            case IndexValue.Blind b -> new IndexValue.Blind(param, b.token());
            case IndexValue.Text t -> new IndexValue.Text(param, t.normalized());
            case IndexValue.Date d -> new IndexValue.Date(param, d.low(), d.high());
            case IndexValue.Number n -> new IndexValue.Number(param, n.low(), n.high(), n.system(), n.code());
            case IndexValue.Uri u -> new IndexValue.Uri(param, u.uri());
            case IndexValue.Reference r -> new IndexValue.Reference(param, r.targetType(), r.targetId(), r.url());
        };
    }

    @Test
    void extractShouldGivePersonFieldsOnlyAsBlindTokens() {
        // when
        List<IndexValue> values = indexer.extract(alice());

        // then
        assertThat(values).filteredOn(v -> List.of("name", "family", "given", "birthdate", "phone", "telecom",
                "address", "address-city", "address-postalcode").contains(v.param()))
                .isNotEmpty().allMatch(v -> v instanceof IndexValue.Blind);
        assertThat(values.toString()).doesNotContainIgnoringCase("alice").doesNotContainIgnoringCase("indexfixture")
                .doesNotContain("1980").doesNotContain("555-0100").doesNotContainIgnoringCase("springfield")
                .doesNotContain("MRN-IDX-1");
        assertThat(values).contains(new IndexValue.Token("gender", "http://hl7.org/fhir/administrative-gender",
                "female"), new IndexValue.Token("address-use", "http://hl7.org/fhir/address-use", "home"),
                new IndexValue.Reference("organization", "Organization", "st-marys", null));
    }
}
