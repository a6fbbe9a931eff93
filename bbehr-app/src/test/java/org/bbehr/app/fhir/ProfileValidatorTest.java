package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Full profile validation: what it finds, and that it finds the same from many threads at once. */
class ProfileValidatorTest {

    private static final FhirContext CONTEXT = FhirContext.forR4();
    private static final ProfileValidator VALIDATOR = new ProfileValidator(CONTEXT, true);
    private static final String US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient";

    @Test
    void validResourceShouldHaveNoErrors() {
        // given
        Observation heartRate = heartRate();
        // when
        OperationOutcome outcome = validate(heartRate);
        // then
        assertThat(errors(outcome)).isEmpty();
    }

    @Test
    void missingRequiredElementShouldBeAnError() {
        // given
        Observation noStatus = heartRate().setStatus(null);
        // when
        OperationOutcome outcome = validate(noStatus);
        // then
        assertThat(errors(outcome)).anySatisfy(issue -> assertThat(issue.getDiagnostics())
                .contains("Observation.status").contains("minimum required = 1"));
    }

    @Test
    void codeOutsideARequiredBindingShouldBeAnError() {
        // given
        Condition condition = badClinicalStatus();
        // when
        OperationOutcome outcome = validate(condition);
        // then
        assertThat(errors(outcome)).anySatisfy(issue -> assertThat(issue.getExpression())
                .anySatisfy(expression -> assertThat(expression.getValue()).isEqualTo("Condition.clinicalStatus")));
    }

    @Test
    void unknownUsCoreProfileShouldBeAWarningNotAnError() {
        // given
        var patient = Fixtures.alicePatient();
        patient.getMeta().addProfile(US_CORE_PATIENT);
        // when
        OperationOutcome outcome = validate(patient);
        // then
        assertThat(errors(outcome)).isEmpty();
        assertThat(outcome.getIssue()).anySatisfy(issue -> {
            assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING);
            assertThat(issue.getDiagnostics()).contains(US_CORE_PATIENT);
        });
    }

    @Test
    void unknownUsCoreProfileAskedForShouldBeAWarningNotAnError() {
        // given
        var patient = Fixtures.alicePatient();
        // when
        var outcome = (OperationOutcome) VALIDATOR.validate(patient, US_CORE_PATIENT).getOperationOutcome();
        // then
        assertThat(errors(outcome)).isEmpty();
        assertThat(outcome.getIssue()).anySatisfy(issue -> {
            assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.WARNING);
            assertThat(issue.getDiagnostics()).contains(US_CORE_PATIENT);
        });
    }

    @Test
    void invalidWriteShouldBeRefusedWhenTheNodeValidatesEveryWrite() {
        // given
        Observation noStatus = heartRate().setStatus(null);
        // when / then
        assertThatThrownBy(() -> VALIDATOR.validateIfRequested(noStatus, null))
                .isInstanceOf(UnprocessableEntityException.class);
    }

    @Test
    void invalidWriteShouldBeRefusedWhenTheRequestAsksForFullValidation() {
        // given
        ProfileValidator onRequest = new ProfileValidator(CONTEXT, false);
        SystemRequestDetails request = new SystemRequestDetails();
        request.addHeader(ProfileValidator.HEADER, "full");
        // when / then
        assertThatThrownBy(() -> onRequest.validateIfRequested(badClinicalStatus(), request))
                .isInstanceOf(UnprocessableEntityException.class);
    }

    @Test
    void unusedValidatorShouldBeLetGoAndBuiltAgainOnTheNextValidation() {
        // given: a node that validates on request, after one validation
        ProfileValidator onRequest = new ProfileValidator(CONTEXT, false);
        onRequest.validate(heartRate(), null);
        assertThat(onRequest.isLoaded()).isTrue();

        // when / then: kept while used recently, let go when unused, and loaded again to validate
        assertThat(onRequest.releaseIfUnusedFor(java.time.Duration.ofDays(1))).isFalse();
        assertThat(onRequest.releaseIfUnusedFor(java.time.Duration.ZERO)).isTrue();
        assertThat(onRequest.isLoaded()).isFalse();
        SystemRequestDetails request = new SystemRequestDetails();
        request.addHeader(ProfileValidator.HEADER, "full");
        assertThatThrownBy(() -> onRequest.validateIfRequested(badClinicalStatus(), request))
                .isInstanceOf(UnprocessableEntityException.class);
        assertThat(onRequest.isLoaded()).isTrue();
    }

    @Test
    void writeShouldNotBeValidatedWhenNeitherTheNodeNorTheRequestAsks() {
        // given
        ProfileValidator onRequest = new ProfileValidator(CONTEXT, false);
        // when / then
        assertThatCode(() -> onRequest.validateIfRequested(badClinicalStatus(), new SystemRequestDetails()))
                .doesNotThrowAnyException();
    }

    @Test
    void issuesShouldBeTheSameAsHapisOwnValidatorFinds() {
        // given
        FhirValidator hapi = hapiValidator();
        // when
        List<String> ours = samples().stream().map(r -> encode(validate(r))).toList();
        List<String> theirs = samples().stream()
                .map(r -> encode((OperationOutcome) hapi.validateWithResult(r).toOperationOutcome())).toList();
        // then
        assertThat(ours).isEqualTo(theirs);
    }

    @Test
    void validationFromFourThreadsAtOnceShouldGiveTheSameResultsAsOneAfterAnother() throws Exception {
        // given
        List<Resource> samples = samples();
        List<String> sequential = samples.stream().map(r -> encode(validate(r))).toList();
        int rounds = ReusableInstanceValidator.VALIDATIONS / samples.size() + 1; // enough to wear validators out
        // when
        List<Future<List<String>>> threads = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int thread = 0; thread < 4; thread++) {
                threads.add(pool.submit(() -> validateInRounds(samples, rounds)));
            }
        }
        // then
        List<String> expected = Collections.nCopies(rounds, sequential).stream().flatMap(List::stream).toList();
        for (Future<List<String>> thread : threads) {
            assertThat(thread.get()).isEqualTo(expected);
        }
    }

    /** The outcomes of validating the samples, in order, {@code rounds} times over. */
    private static List<String> validateInRounds(List<Resource> samples, int rounds) {
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            samples.forEach(r -> outcomes.add(encode(validate(r))));
        }
        return outcomes;
    }

    private static List<Resource> samples() {
        var usCorePatient = Fixtures.alicePatient();
        usCorePatient.getMeta().addProfile(US_CORE_PATIENT);
        return List.of(heartRate(), heartRate().setStatus(null), badClinicalStatus(), Fixtures.alicePatient(),
                usCorePatient, Fixtures.drBob(), Fixtures.stMarysHospital());
    }

    private static Observation heartRate() {
        Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        observation.getMeta().addProfile("http://hl7.org/fhir/StructureDefinition/heartrate");
        observation.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        observation.setCode(Fixtures.loinc("8867-4", "Heart rate"));
        observation.setSubject(new Reference("Patient/synthetic-1"));
        observation.setEffective(new DateTimeType("2024-03-01T09:30:00Z"));
        observation.setValue(new Quantity().setValue(72).setUnit("beats/minute")
                .setSystem("http://unitsofmeasure.org").setCode("/min"));
        return observation;
    }

    private static Condition badClinicalStatus() {
        Condition condition = new Condition().setSubject(new Reference("Patient/synthetic-1"));
        condition.setClinicalStatus(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", "not-a-status", null)));
        condition.setCode(Fixtures.snomed("38341003", "Hypertensive disorder"));
        return condition;
    }

    /** HAPI's validator as it comes, with the settings {@link ProfileValidator} uses. */
    private static FhirValidator hapiValidator() {
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(CONTEXT),
                new CommonCodeSystemsTerminologyService(CONTEXT),
                new InMemoryTerminologyServerValidationSupport(CONTEXT),
                new SnapshotGeneratingValidationSupport(CONTEXT));
        FhirInstanceValidator module = new FhirInstanceValidator(support);
        module.setErrorForUnknownProfiles(false);
        module.setAnyExtensionsAllowed(true);
        return CONTEXT.newValidator().setValidateAgainstStandardSchema(false)
                .setValidateAgainstStandardSchematron(false).registerValidatorModule(module);
    }

    private static OperationOutcome validate(IBaseResource resource) {
        return (OperationOutcome) VALIDATOR.validate(resource, null).getOperationOutcome();
    }

    private static List<OperationOutcome.OperationOutcomeIssueComponent> errors(OperationOutcome outcome) {
        return outcome.getIssue().stream()
                .filter(issue -> issue.getSeverity() == IssueSeverity.ERROR
                        || issue.getSeverity() == IssueSeverity.FATAL)
                .toList();
    }

    private static String encode(OperationOutcome outcome) {
        return CONTEXT.newJsonParser().encodeResourceToString(outcome);
    }
}
