package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchsetJsonTest {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();

    /** A page as HAPI's bundle factory makes it for a search: id, lastUpdated, type, total, links, entries. */
    static Bundle page(int entries, boolean withTotal) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setId("5f0b6c1e-7d2a-4d55-9d0e-1c2b3a4d5e6f");
        bundle.getMeta().setLastUpdatedElement(new InstantType("2026-12-08T01:02:03.456+00:00"));
        if (withTotal) {
            bundle.setTotal(entries * 7);
        }
        bundle.addLink().setRelation("self")
                .setUrl("http://localhost:8080/fhir/Observation?code=http%3A%2F%2Floinc.org%7C8867-4&patient=p-1");
        bundle.addLink().setRelation("next")
                .setUrl("http://localhost:8080/fhir?_getpages=a\"b\\c&_getpagesoffset=20&_count=20&name=Zoë");
        for (int i = 0; i < entries; i++) {
            Resource resource = i % 2 == 0 ? observation(i) : patient(i);
            bundle.addEntry().setFullUrl("http://localhost:8080/fhir/" + resource.fhirType() + "/r-" + i)
                    .setResource(resource)
                    .getSearch().setMode(i == entries - 1 ? Bundle.SearchEntryMode.INCLUDE : Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    static Resource observation(int i) {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.setId(new IdType("Observation", "r-" + i, "3"));
        observation.getMeta().setVersionId("3").setLastUpdatedElement(new InstantType("2026-12-01T00:00:00.000Z"));
        observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4").setDisplay("Heart rate");
        observation.getSubject().setReference("Patient/p-1");
        return observation;
    }

    static Resource patient(int i) {
        Patient patient = new Patient();
        patient.setId(new IdType("Patient", "r-" + i, "1"));
        patient.addName().setFamily("Smith-\u00d8stergaard").addGiven("J\u00fcrgen \"Jay\"");
        return patient;
    }

    static List<String> entryJson(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> CONTEXT.newJsonParser().encodeResourceToString(e.getResource()))
                .toList();
    }

    @ParameterizedTest(name = "{0} entries")
    @ValueSource(ints = {0, 1, 2, 20})
    void aSearchPageShouldBeWrittenByteForByteAsHapiEncodesIt(int entries) {
        for (boolean withTotal : new boolean[] {true, false}) {
            Bundle bundle = page(entries, withTotal);
            assertThat(SearchsetJson.write(bundle, entryJson(bundle)))
                    .contains(CONTEXT.newJsonParser().encodeResourceToString(bundle));
        }
    }

    @Test
    void aPageWithoutIdOrLastUpdatedShouldStillMatchHapi() {
        Bundle bundle = page(3, true);
        bundle.setIdElement(null);
        bundle.setMeta(null);
        assertThat(SearchsetJson.write(bundle, entryJson(bundle)))
                .contains(CONTEXT.newJsonParser().encodeResourceToString(bundle));
    }

    @Test
    void anyElementBeyondASearchPagesShouldBeLeftToHapi() {
        List<Consumer<Bundle>> changes = List.of(
                b -> b.setType(Bundle.BundleType.COLLECTION),
                b -> b.setTimestamp(new Date()),
                b -> b.getIdentifier().setValue("x"),
                b -> b.getMeta().addTag("urn:t", "x", null),
                b -> b.getMeta().setVersionId("2"),
                b -> b.getTotalElement().addExtension("urn:e", new StringType("x")),
                b -> b.getLinkFirstRep().addExtension("urn:e", new StringType("x")),
                b -> b.getEntryFirstRep().getSearch().setScoreElement(new DecimalType("0.5")),
                b -> b.getEntryFirstRep().getResponse().setStatus("200 OK"),
                b -> b.getEntryFirstRep().getRequest().setUrl("Patient"),
                b -> b.getEntryFirstRep().addLink().setRelation("x").setUrl("y"),
                b -> b.getEntryFirstRep().addExtension("urn:e", new StringType("x")),
                b -> b.getEntryFirstRep().getSearch().addExtension("urn:e", new StringType("x")),
                b -> b.getEntryFirstRep().getSearch().setModeElement(null).addExtension("urn:e", new StringType("x")));
        for (Consumer<Bundle> change : changes) {
            Bundle bundle = page(2, true);
            change.accept(bundle);
            assertThat(SearchsetJson.write(bundle, entryJson(bundle))).as(change.toString()).isEmpty();
        }
    }

    @Test
    void anEntryWithoutItsJsonShouldBeLeftToHapi() {
        Bundle bundle = page(2, true);
        assertThat(SearchsetJson.write(bundle, entryJson(bundle).subList(0, 1))).isEmpty();
    }
}
