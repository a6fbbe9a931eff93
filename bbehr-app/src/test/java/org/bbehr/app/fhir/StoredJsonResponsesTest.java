package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;


import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.crypto.Bytes32;
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

    record Case(String name, Resource resource, Optional<AnchorState> anchor) {
        @Override
        public String toString() {
            return name + anchor.map(state -> state.anchored() ? ", anchored" : ", pending").orElse("");
        }
    }

    static final AnchorState ANCHORED = new AnchorState(true, Bytes32.wrap(new byte[32]),
            Bytes32.wrap(java.util.HexFormat.of().parseHex("ab".repeat(32))), 1234);

    static List<Case> resources() {
        List<Case> cases = new ArrayList<>();
        for (Case plain : withoutAnchor()) {
            cases.add(plain);
            cases.add(new Case(plain.name(), plain.resource().copy(), Optional.of(AnchorState.PENDING)));
            cases.add(new Case(plain.name(), plain.resource().copy(), Optional.of(ANCHORED)));
        }
        return cases;
    }

    static List<Case> withoutAnchor() {
        List<Case> cases = new ArrayList<>();
        for (Fixtures.Named named : Fixtures.everyTestedType()) {
            cases.add(new Case(named.toString(), named.build().apply(REFS), Optional.empty()));
        }
        Patient withProfile = Fixtures.alicePatient();
        withProfile.getMeta().addProfile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient");
        cases.add(new Case("Patient with meta.profile", withProfile, Optional.empty()));
        Patient withTagAndSecurity = Fixtures.alicePatient();
        withTagAndSecurity.getMeta().addTag("urn:tags", "demo", "Demo").addSecurity("urn:sec", "N", "normal");
        withTagAndSecurity.getMeta().setSource("urn:source:lab");
        cases.add(new Case("Patient with meta.tag, security and source", withTagAndSecurity, Optional.empty()));
        cases.add(new Case("Basic with nothing but a code", new Basic().setCode(new CodeableConcept(new Coding("urn:c", "x", null))),
                Optional.empty()));
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
        String spliced = StoredJsonResponses.withMeta(CONTEXT, version, given.anchor()).orElseThrow();

        // then: what HAPI writes for the parsed resource with its version and time
        Resource read = (Resource) CONTEXT.newJsonParser().parseResource(new String(stored, StandardCharsets.UTF_8));
        read.setId(new IdType(resource.fhirType(), "id-1", "7"));
        read.getMeta().setVersionId("7");
        read.getMeta().setLastUpdatedElement(StoredJsonResponses.lastUpdated(version));
        given.anchor().ifPresent(state -> AnchorMeta.add(read.getMeta(), state));
        assertThat(spliced).isEqualTo(CONTEXT.newJsonParser().encodeResourceToString(read));
    }

    @org.junit.jupiter.api.Test
    void bytesOfAnotherShapeShouldBeLeftToHapi() {
        // given: pretty-printed bytes, as another system may have written them
        byte[] pretty = "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"id-1\"\n}".getBytes(StandardCharsets.UTF_8);
        StoredVersion version = new StoredVersion(new ResourceKey("Patient", "id-1"), 1, Instant.now(), false, pretty);

        // when / then
        assertThat(StoredJsonResponses.withMeta(CONTEXT, version, Optional.empty())).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void bytesWithExtensionsInMetaShouldBeLeftToHapi() {
        // given: a stored meta extension, which HAPI lists together with the anchor's
        Patient patient = Fixtures.alicePatient();
        patient.setId(new IdType("Patient", "id-1"));
        patient.getMeta().addExtension("urn:ext", new org.hl7.fhir.r4.model.StringType("x"));
        byte[] stored = CONTEXT.newJsonParser().encodeResourceToString(patient).getBytes(StandardCharsets.UTF_8);
        StoredVersion version = new StoredVersion(new ResourceKey("Patient", "id-1"), 1, Instant.now(), false, stored);

        // when / then
        assertThat(StoredJsonResponses.withMeta(CONTEXT, version, Optional.of(AnchorState.PENDING))).isEmpty();
    }
}
