package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Set;
import org.bbehr.core.consent.Category;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** The labels a version is stored with: its patient compartment and its consent category, from the resource alone. */
class AccessLabellerTest {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    final IndexExtractor indexer = new IndexExtractor(CONTEXT, new HmacBlindIndex(new byte[32]));
    final AccessLabeller labeller = new AccessLabeller(indexer.searchIndexer());

    AccessLabels labelsOf(Resource resource, String id) {
        return labelsOf(resource, id, null);
    }

    AccessLabels labelsOf(Resource resource, String id, AccessLabels securityContext) {
        ResourceKey key = new ResourceKey(resource.fhirType(), id);
        return labeller.labels(key, resource, indexer.extract(resource), securityContext);
    }

    static Observation observation(String category) {
        Observation observation = new Observation();
        observation.setSubject(new Reference("Patient/alice"));
        observation.addCategory(new CodeableConcept(new Coding(AccessLabeller.OBSERVATION_CATEGORY, category, null)));
        observation.getCode().addCoding(new Coding("http://loinc.org", "8867-4", "Heart rate"));
        return observation;
    }

    @Test
    void patientShouldBeInItsOwnCompartmentAsDemographics() {
        assertThat(labelsOf(new Patient(), "alice")).isEqualTo(new AccessLabels(Set.of("alice"),
                Category.DEMOGRAPHICS));
    }

    @Test
    void observationShouldBeInItsSubjectsCompartmentByItsCategory() {
        assertThat(labelsOf(observation("vital-signs"), "hr-1"))
                .isEqualTo(new AccessLabels(Set.of("alice"), Category.VITAL_SIGNS));
        assertThat(labelsOf(observation("laboratory"), "lab-1").category()).isEqualTo(Category.LABORATORY);
    }

    @Test
    void restrictedOrSensitivityLabelShouldMakeAnyResourceSensitive() {
        // given
        Observation restricted = observation("vital-signs");
        restricted.getMeta().addSecurity(AccessLabeller.CONFIDENTIALITY, "R", "restricted");
        Condition hiv = new Condition();
        hiv.setSubject(new Reference("Patient/alice"));
        hiv.getMeta().addSecurity(AccessLabeller.ACT_CODE, "HIV", null);
        Condition normal = new Condition();
        normal.setSubject(new Reference("Patient/alice"));
        normal.getMeta().addSecurity(AccessLabeller.CONFIDENTIALITY, "N", "normal");

        // when / then
        assertThat(labelsOf(restricted, "hr-2").category()).isEqualTo(Category.SENSITIVE);
        assertThat(labelsOf(hiv, "c-1")).isEqualTo(new AccessLabels(Set.of("alice"), Category.SENSITIVE));
        assertThat(labelsOf(normal, "c-2").category()).isEqualTo(Category.CONDITIONS);
    }

    @Test
    void labelOfAnotherSystemShouldNotMakeItSensitive() {
        // given: the code R of a code system that is not HL7's confidentiality or act codes
        Condition condition = new Condition();
        condition.setSubject(new Reference("Patient/alice"));
        condition.getMeta().addSecurity("https://example.org/local-codes", "R", null);

        // when / then
        assertThat(labelsOf(condition, "c-3").category()).isEqualTo(Category.CONDITIONS);
    }

    @Test
    void resourceShouldBeInTheCompartmentOfEveryPatientItsCompartmentParametersName() {
        // given: an encounter of alice's, and one referencing bob only through a field outside the compartment
        Encounter encounter = new Encounter();
        encounter.setSubject(new Reference("Patient/alice"));
        Organization organization = new Organization();
        organization.addEndpoint(new Reference("Patient/bob"));

        // when / then
        assertThat(labelsOf(encounter, "e-1")).isEqualTo(new AccessLabels(Set.of("alice"), Category.ENCOUNTERS));
        assertThat(labelsOf(organization, "o-1")).isEqualTo(new AccessLabels(Set.of(), Category.OTHER));
    }

    @Test
    void binaryShouldTakeTheLabelsOfItsSecurityContext() {
        // given: a Binary whose securityContext is a sensitive DocumentReference of alice's
        Binary binary = new Binary();
        binary.setContentType("application/pdf");
        binary.setSecurityContext(new Reference("DocumentReference/note-1"));
        AccessLabels note = new AccessLabels(Set.of("alice"), Category.SENSITIVE);

        // when / then
        assertThat(AccessLabeller.securityContextOf(binary)).isEqualTo(new ResourceKey("DocumentReference",
                "note-1"));
        assertThat(labelsOf(binary, "pdf-1", note)).isEqualTo(note);
        assertThat(labelsOf(new Binary(), "pdf-2")).isEqualTo(new AccessLabels(Set.of(), Category.DOCUMENTS));
        assertThat(AccessLabeller.securityContextOf(new Binary())).isNull();
    }
}
