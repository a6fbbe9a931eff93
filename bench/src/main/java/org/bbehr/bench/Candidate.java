package org.bbehr.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import java.util.function.Function;
import org.bbehr.app.fhir.ProfileValidator;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/** A full profile validator under measurement: what it finds in a resource, as an OperationOutcome. */
record Candidate(Function<IBaseResource, OperationOutcome> validator) {

    /**
     * Before: HAPI's {@link FhirInstanceValidator} as {@code ProfileValidator} used to build it, with the same
     * support chain and settings; it builds a new {@code InstanceValidator} for every resource.
     */
    static Candidate before(FhirContext context) {
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator module = new FhirInstanceValidator(support);
        module.setErrorForUnknownProfiles(false);
        module.setAnyExtensionsAllowed(true);
        FhirValidator validator = context.newValidator().setValidateAgainstStandardSchema(false)
                .setValidateAgainstStandardSchematron(false).registerValidatorModule(module);
        return new Candidate(resource -> (OperationOutcome) validator.validateWithResult(resource)
                .toOperationOutcome());
    }

    /** After: the node's own {@link ProfileValidator}, validating against the profiles the resource declares. */
    static Candidate after(ProfileValidator validator) {
        return new Candidate(resource -> (OperationOutcome) validator.validate(resource, null).getOperationOutcome());
    }

    OperationOutcome validate(IBaseResource resource) {
        return validator.apply(resource);
    }
}
