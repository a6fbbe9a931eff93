package org.bbehr.app.fhir;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.validation.IValidationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAPI's {@link FhirInstanceValidator}, except that it takes its {@code InstanceValidator} from a pool instead of
 * building a new one for every resource, which cost most of the time of a validation. The rest is what HAPI's
 * wrapper does per resource: the same settings, the profiles asked for and declared in {@code meta.profile}, a
 * message for a profile it cannot find (an error or a warning as {@link #isErrorForUnknownProfiles()} says), and the
 * same messages filtered out. One worker context (the loaded definitions and their caches) is shared by all.
 */
final class PooledInstanceValidator extends FhirInstanceValidator {

    private static final Logger log = LoggerFactory.getLogger(PooledInstanceValidator.class);

    private final IWorkerContext worker;
    private final InstanceValidatorPool pool;

    PooledInstanceValidator(IValidationSupport support, int capacity) {
        super(support);
        this.worker = provideWorkerContext();
        this.pool = new InstanceValidatorPool(() -> new ReusableInstanceValidator(worker), capacity);
    }

    @Override
    protected List<ValidationMessage> validate(IValidationContext<?> context) {
        List<StructureDefinition> profiles = new ArrayList<>();
        List<ValidationMessage> unknownProfiles = new ArrayList<>();
        profileUrls(context).forEach(url -> addProfile(url, profiles, unknownProfiles));
        ReusableInstanceValidator validator = pool.take();
        configure(validator);
        List<ValidationMessage> messages = validator.validate(
                context.getOptions().getAppContext(), context.getResourceAsString(), format(context), profiles);
        pool.giveBack(validator);
        if (profiles.isEmpty()) {
            messages.addAll(unknownProfiles);
        }
        messages.removeIf(PooledInstanceValidator::isNoise);
        IssueSeverity unknownProfile = isErrorForUnknownProfiles() ? IssueSeverity.ERROR : IssueSeverity.WARNING;
        messages.stream().filter(PooledInstanceValidator::isUnknownProfile).forEach(m -> m.setLevel(unknownProfile));
        return messages;
    }

    /** The settings HAPI's wrapper gives the validator it builds for each resource. */
    private void configure(ReusableInstanceValidator validator) {
        validator.setAssumeValidRestReferences(isAssumeValidRestReferences());
        validator.setBestPracticeWarningLevel(getBestPracticeWarningLevel());
        validator.setAnyExtensionsAllowed(isAnyExtensionsAllowed());
        validator.setResourceIdRule(IdStatus.OPTIONAL);
        validator.setNoTerminologyChecks(isNoTerminologyChecks());
        validator.setErrorForUnknownProfiles(isErrorForUnknownProfiles());
        validator.setUnknownCodeSystemsCauseErrors(true);
        validator.getExtensionDomains().clear();
        validator.getExtensionDomains().addAll(getExtensionDomains());
        validator.setFetcher(getValidatorResourceFetcher());
        validator.setPolicyAdvisor(getValidatorPolicyAdvisor());
        validator.setNoExtensibleWarnings(isNoExtensibleWarnings());
        validator.setNoBindingMsgSuppressed(isNoBindingMsgSuppressed());
        validator.setAllowExamples(isAllowExamples());
        validator.setAllowXsiLocation(true);
    }

    /** The profiles asked for, then those the resource declares. */
    private static Stream<String> profileUrls(IValidationContext<?> context) {
        IBaseResource resource = (IBaseResource) context.getResource();
        Stream<String> declared = context.getFhirContext().newTerser()
                .getValues(resource, "meta.profile", IPrimitiveType.class).stream()
                .map(IPrimitiveType::getValueAsString);
        return Stream.concat(context.getOptions().getProfiles().stream(), declared);
    }

    private void addProfile(String url, List<StructureDefinition> profiles, List<ValidationMessage> unknownProfiles) {
        try {
            StructureDefinition profile = worker.fetchResource(StructureDefinition.class, url);
            if (profile != null) {
                profiles.add(profile);
            } else {
                unknownProfiles.add(new ValidationMessage()
                        .setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN)
                        .setLevel(IssueSeverity.ERROR)
                        .setMessage("Invalid profile. Failed to retrieve profile with url=" + url));
            }
        } catch (FHIRException e) {
            log.debug("Failed to load profile {}", url, e);
        }
    }

    private static FhirFormat format(IValidationContext<?> context) {
        EncodingEnum encoding = context.getResourceAsStringEncoding();
        return switch (encoding) {
            case JSON -> FhirFormat.JSON;
            case XML -> FhirFormat.XML;
            default -> throw new IllegalArgumentException("cannot validate a resource encoded as " + encoding);
        };
    }

    /** Messages HAPI's wrapper drops: a binding without a value set, and the unknown mime types value set. */
    private static boolean isNoise(ValidationMessage message) {
        String id = message.getMessageId();
        return I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE.equals(id)
                || (I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND.equals(id)
                        && message.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes"));
    }

    private static boolean isUnknownProfile(ValidationMessage message) {
        return I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(message.getMessageId())
                || I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(message.getMessageId());
    }
}
