package org.bbehr.app.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import jakarta.annotation.Nonnull;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.*;
import org.junit.jupiter.api.Test;

/** The FHIRPath engine on the core types' headers finds what HAPI's engine on the full definitions finds. */
class TypeHeadersTest {

    private static final List<String> TYPE_EXPRESSIONS = List.of(
            "Condition.onset.ofType(Quantity)", "Condition.onset.ofType(Age)", "Condition.onset is Age",
            "Condition.onset is Quantity", "Condition.onset as Quantity", "Condition.onset.as(Age)",
            "Condition.abatement.as(String)", "Condition.abatement.ofType(string)", "Condition.abatement is string",
            "Resource.id", "DomainResource.text", "Patient.name.ofType(HumanName)", "Patient.name is Element",
            "Patient.deceased.ofType(boolean)", "Patient.deceased.exists() and Patient.deceased != false",
            "Patient.telecom.where(system='phone')", "Patient.managingOrganization.where(resolve() is Organization)",
            "Patient.managingOrganization.where(resolve() is Patient)", "Patient.is(DomainResource)",
            "Observation.value.ofType(Quantity).value", "(Observation.value as CodeableConcept).text",
            "Observation.component.value.ofType(Quantity)", "Bundle.entry[0].resource", "Bundle.entry.resource is Patient");

    private final IFhirPath headersOnly = TypeHeaders.fhirPath(SearchIndexerTest.CONTEXT);
    private final IFhirPath fullDefinitions = SearchIndexerTest.CONTEXT.newFhirPath();

    TypeHeadersTest() {
        headersOnly.setEvaluationContext(new ResolveToEmptyResource());
        fullDefinitions.setEvaluationContext(new ResolveToEmptyResource());
    }

    private static List<Resource> resources() {
        Patient deceased = SearchIndexerTest.alice().setDeceased(new BooleanType(true));
        deceased.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("a@example.org");
        Observation smoking = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setValue(new CodeableConcept(new Coding("http://snomed.info/sct", "266919005", null))
                        .setText("Never smoked"));
        Bundle document = new Bundle().setType(Bundle.BundleType.DOCUMENT);
        document.addEntry().setResource(new Composition().setTitle("Summary"));
        document.addEntry().setResource(SearchIndexerTest.alice());
        InsurancePlan plan = new InsurancePlan().setName("Basic");
        plan.addAlias("Basic plan");
        return List.of(SearchIndexerTest.alice(), deceased, SearchIndexerTest.bloodPressure(), smoking,
                SearchIndexerTest.asthma(), SearchIndexerTest.checkup(), document, plan,
                new PractitionerRole().addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
                        .setValue("555-0101")));
    }

    @Test
    void everySearchParameterShouldFindWhatTheEngineOnFullDefinitionsFinds() {
        SearchIndexer indexer = new SearchIndexer(SearchIndexerTest.CONTEXT,
                new org.bbehr.core.crypto.HmacBlindIndex(new byte[32]));
        int compared = 0;
        for (Resource resource : resources()) {
            for (SearchIndexer.Param param : indexer.params(resource.fhirType())) {
                for (SearchIndexer.Path path : param.paths()) {
                    // when
                    List<String> headers = found(headersOnly, resource, path.expression());
                    List<String> full = found(fullDefinitions, resource, path.expression());

                    // then
                    assertThat(headers).as(resource.fhirType() + "." + param.name() + ": " + path.expression())
                            .containsExactlyElementsOf(full);
                    compared += full.isEmpty() ? 0 : 1;
                }
            }
        }
        assertThat(compared).isGreaterThan(50);
    }

    @Test
    void typeTestsShouldFindWhatTheEngineOnFullDefinitionsFinds() {
        for (Resource resource : resources()) {
            for (String expression : TYPE_EXPRESSIONS) {
                if (!expression.startsWith(resource.fhirType()) && !expression.startsWith("(" + resource.fhirType())
                        && !expression.startsWith("Resource") && !expression.startsWith("DomainResource")) {
                    continue;
                }
                // when
                List<String> headers = found(headersOnly, resource, expression);
                List<String> full = found(fullDefinitions, resource, expression);

                // then
                assertThat(headers).as(resource.fhirType() + ": " + expression).containsExactlyElementsOf(full);
            }
        }
    }

    @Test
    void headersShouldKeepNoElementDefinitions() {
        // given
        List<IBaseResource> all = new DefaultProfileValidationSupport(SearchIndexerTest.CONTEXT)
                .fetchAllStructureDefinitions();

        // when
        List<StructureDefinition> headers = TypeHeaders.of(SearchIndexerTest.CONTEXT, SearchIndexerTest.CONTEXT)
                .fetchAllStructureDefinitions();

        // then
        assertThat(headers).hasSameSizeAs(all).allMatch(h -> !h.hasSnapshot() && !h.hasDifferential());
        assertThat(headers).anyMatch(h -> h.getType().equals("Age")
                && "http://hl7.org/fhir/StructureDefinition/Quantity".equals(h.getBaseDefinition()));
    }

    /** What an expression finds, each value by its type and, for a primitive, its value, else by identity. */
    private static List<String> found(IFhirPath engine, IBaseResource resource, String expression) {
        List<String> found = new ArrayList<>();
        try {
            for (IBase value : engine.evaluate(resource, expression, IBase.class)) {
                found.add(value.fhirType() + (value instanceof IPrimitiveType<?> primitive
                        ? "=" + primitive.getValueAsString() : "@" + System.identityHashCode(value)));
            }
        } catch (RuntimeException e) {
            found.add("fails: " + e.getClass().getSimpleName());
        }
        return found;
    }

    /** As the indexer's own: {@code resolve()} gives an empty resource of the reference's type. */
    private static final class ResolveToEmptyResource implements IFhirPathEvaluationContext {
        @Override
        public IBase resolveReference(@Nonnull IIdType reference, IBase unused) {
            String type = reference.getResourceType();
            if (type == null || !SearchIndexerTest.CONTEXT.getResourceTypes().contains(type)) {
                return null;
            }
            IBaseResource resource = SearchIndexerTest.CONTEXT.getResourceDefinition(type).newInstance();
            resource.setId(reference.getIdPart());
            return resource;
        }
    }
}
