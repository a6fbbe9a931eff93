package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StoredJsonResponsesTest {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final Fixtures.Refs REFS = new Fixtures.Refs("Patient/p-1", "Practitioner/pr-1");

    record Case(String name, Resource resource) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> resources() {
        List<Case> cases = new ArrayList<>();
        for (Fixtures.Named named : Fixtures.everyTestedType()) {
            cases.add(new Case(named.toString(), (Resource) named.build().apply(REFS)));
        }
        Patient withProfile = Fixtures.alicePatient();
        withProfile.getMeta().addProfile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient");
        cases.add(new Case("Patient with meta.profile", withProfile));
        Patient withTagAndSecurity = Fixtures.alicePatient();
        withTagAndSecurity.getMeta().addTag("urn:tags", "demo", "Demo").addSecurity("urn:sec", "N", "normal");
        withTagAndSecurity.getMeta().setSource("urn:source:lab");
        cases.add(new Case("Patient with meta.tag, security and source", withTagAndSecurity));
        cases.add(new Case("Basic with nothing but a code", new Basic().setCode(new CodeableConcept(new Coding("urn:c", "x", null)))));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void storedBytesWithMetaShouldEqualHapisEncodingOfTheReadResource(Case given) {
        // given: the bytes a write stores (no version, no time in meta), and the version as read
        Resource resource = given.resource();
        resource.setId(new IdType(resource.fhirType(), "id-1"));
        byte[] stored = CONTEXT.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        StoredVersion version = new StoredVersion(new ResourceKey(resource.fhirType(), "id-1"), 7,
                Instant.parse("2026-03-04T05:06:07.891Z"), false, stored);

        // when
        String spliced = StoredJsonResponses.withMeta(version).orElseThrow();

        // then: what HAPI writes for the parsed resource with its version and time
        Resource read = (Resource) CONTEXT.newJsonParser().parseResource(new String(stored, StandardCharsets.UTF_8));
        read.setId(new IdType(resource.fhirType(), "id-1", "7"));
        read.getMeta().setVersionId("7");
        read.getMeta().setLastUpdatedElement(StoredJsonResponses.lastUpdated(version));
        assertThat(spliced).isEqualTo(CONTEXT.newJsonParser().encodeResourceToString(read));
    }

    @org.junit.jupiter.api.Test
    void bytesOfAnotherShapeShouldBeLeftToHapi() {
        // given: pretty-printed bytes, as another system may have written them
        byte[] pretty = "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"id-1\"\n}".getBytes(StandardCharsets.UTF_8);
        StoredVersion version = new StoredVersion(new ResourceKey("Patient", "id-1"), 1, Instant.now(), false, pretty);

        // when / then
        assertThat(StoredJsonResponses.withMeta(version)).isEmpty();
    }
}
