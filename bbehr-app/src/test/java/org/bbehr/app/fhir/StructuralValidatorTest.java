package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class StructuralValidatorTest {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final Fixtures.Refs REFS = new Fixtures.Refs("Patient/p-1", "Practitioner/pr-1");

    private final StructuralValidator validator = new StructuralValidator(CONTEXT);

    @Test
    void validateShouldReturnTheSameReferencesAsHapisTerserForEveryTestedType() {
        for (Fixtures.Named named : Fixtures.everyTestedType()) {
            Resource resource = named.build().apply(REFS);
            List<IBaseReference> expected = CONTEXT.newTerser()
                    .getAllPopulatedChildElementsOfType(resource, IBaseReference.class);
            assertThat(validator.validate(resource, false)).as(named.name()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void validateShouldFindReferencesInExtensionsAndContainedResources() {
        Practitioner contained = new Practitioner();
        contained.setId("#author");
        contained.addIdentifier(new Identifier().setSystem("urn:example:staff").setValue("s-1"));
        contained.addExtension(new Extension("urn:example:employer", new Reference("Organization/o-1")));
        Observation observation = observation();
        observation.addContained(contained);
        observation.addPerformer(new Reference("#author"));
        observation.addExtension(new Extension("urn:example:focus", new Reference("urn:uuid:4b1e3c1a")));
        observation.addPerformer(new Reference().setDisplay("only a name"));

        assertThat(validator.validate(observation, true)).containsExactlyInAnyOrderElementsOf(CONTEXT.newTerser()
                .getAllPopulatedChildElementsOfType(observation, IBaseReference.class));
        List<String> found = validator.validate(observation, true).stream()
                .map(reference -> reference.getReferenceElement().getValue() == null ? "display only"
                        : reference.getReferenceElement().getValue())
                .toList();

        assertThat(found).containsExactlyInAnyOrder("Patient/p-1", "#author", "urn:uuid:4b1e3c1a", "display only",
                "Organization/o-1");
    }

    @Test
    void problemsShouldNameWhereTheyAreInTheOrderOfTheResource() {
        Observation observation = observation();
        observation.setStatus(null);
        observation.addPerformer(new Reference("Practitioner/pr-1"));
        observation.addPerformer(new Reference("not a reference"));
        observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        observation.addExtension(new Extension("urn:example:focus", new Reference("urn:uuid:4b1e3c1a")));

        assertThatThrownBy(() -> validator.validate(observation, false))
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
                    OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
                    assertThat(outcome.getIssue()).extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                            .containsExactly(
                                    "Observation.extension.value a 'urn:uuid:…' reference is allowed only inside a "
                                            + "transaction Bundle",
                                    "Observation.status is required (at least 1)",
                                    "Observation.performer[1] is not a valid reference (expected Type/id, an absolute "
                                            + "URL, #contained, or urn:uuid: in a transaction)");
                });
    }

    @Test
    void containedResourceShouldBeCheckedLikeItsContainer() {
        Observation observation = observation();
        Observation contained = new Observation();
        contained.setId("#earlier");
        contained.setCode(Fixtures.loinc("8867-4", "Heart rate"));
        observation.addContained(contained);
        observation.addHasMember(new Reference("#earlier"));

        assertThatThrownBy(() -> validator.validate(observation, false))
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(
                        ((OperationOutcome) e.getOperationOutcome()).getIssue())
                        .extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                        .containsExactly("Observation.contained.status is required (at least 1)"));
    }

    private static Observation observation() {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(Fixtures.loinc("8867-4", "Heart rate"));
        observation.setSubject(new Reference(REFS.patient()));
        return observation;
    }
}
