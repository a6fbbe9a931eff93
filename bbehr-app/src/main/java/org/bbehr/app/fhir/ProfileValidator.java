package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Full profile validation with HAPI's {@link FhirInstanceValidator}: {@code $validate} always, and every write when
 * the node is configured for it or the request asks for it with the header {@value #HEADER}{@code : full}. One
 * validator is built once and shared (it is thread-safe, and reuses HAPI's per-resource validators through
 * {@link PooledInstanceValidator}); a declared profile the node does not know (e.g. US Core) is a warning, not an
 * error.
 */
public final class ProfileValidator {

    public static final String HEADER = "X-BbEHR-Validation";

    /** How many idle per-resource validators are kept: enough for every core to validate at once, and some. */
    private static final int IDLE_VALIDATORS = 2 * Runtime.getRuntime().availableProcessors();

    private final FhirContext context;
    private final boolean always;
    private volatile FhirValidator validator;

    public ProfileValidator(FhirContext context, boolean always) {
        this.context = context;
        this.always = always;
    }

    /**
     * Builds the validator and validates a small synthetic vital sign now, rather than on the first request: the
     * first validation takes seconds, as it loads the core definitions, the UCUM units and FHIRPath's invariants.
     */
    public void warmUp() {
        run(WarmUpSample.heartRate(), null);
    }

    public MethodOutcome validate(IBaseResource resource, String profile) {
        MethodOutcome outcome = new MethodOutcome();
        outcome.setOperationOutcome(run(resource, profile).toOperationOutcome());
        return outcome;
    }

    /** Validates a write against its profiles when asked to; errors refuse the write with a 422. */
    void validateIfRequested(IBaseResource resource, RequestDetails request) {
        boolean requested = request != null && "full".equalsIgnoreCase(request.getHeader(HEADER));
        if (!always && !requested) {
            return;
        }
        ValidationResult result = run(resource, null);
        boolean failed = result.getMessages().stream().anyMatch(m -> m.getSeverity().ordinal()
                >= ResultSeverityEnum.ERROR.ordinal());
        if (failed) {
            throw new UnprocessableEntityException(context, (OperationOutcome) result.toOperationOutcome());
        }
    }

    private ValidationResult run(IBaseResource resource, String profile) {
        ValidationOptions options = new ValidationOptions();
        if (profile != null && !profile.isBlank()) {
            options.addProfile(profile);
        }
        return validator().validateWithResult(resource, options);
    }

    private FhirValidator validator() {
        FhirValidator current = validator;
        if (current == null) {
            synchronized (this) {
                if (validator == null) {
                    validator = build();
                }
                current = validator;
            }
        }
        return current;
    }

    private FhirValidator build() {
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator module = new PooledInstanceValidator(support, IDLE_VALIDATORS);
        module.setErrorForUnknownProfiles(false);
        module.setAnyExtensionsAllowed(true);
        return context.newValidator().setValidateAgainstStandardSchema(false).setValidateAgainstStandardSchematron(false)
                .registerValidatorModule(module);
    }
}
