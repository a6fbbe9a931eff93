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
import java.time.Duration;
import org.bbehr.app.search.CoreDefinitions;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full profile validation with HAPI's {@link FhirInstanceValidator}: {@code $validate} always, and every write when
 * the node is configured for it or the request asks for it with the header {@value #HEADER}{@code : full}. One
 * validator is built once and shared (it is thread-safe, and reuses HAPI's per-resource validators through
 * {@link PooledInstanceValidator}); a declared profile the node does not know (e.g. US Core) is a warning, not an
 * error.
 */
public final class ProfileValidator {

    private static final Logger log = LoggerFactory.getLogger(ProfileValidator.class);

    public static final String HEADER = "X-BbEHR-Validation";

    /** How many idle per-resource validators are kept: enough for every core to validate at once, and some. */
    private static final int IDLE_VALIDATORS = 2 * Runtime.getRuntime().availableProcessors();

    private final FhirContext context;
    private final boolean always;
    private volatile FhirValidator validator;
    /** HAPI's core definitions, held while the validator is loaded (see {@link CoreDefinitions}). */
    private DefaultProfileValidationSupport definitions;
    private volatile long lastUsedNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

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

    /**
     * Lets go of the validator, and the ~200 MB of core definitions it holds, whenever it has not been used for
     * {@code idle}; the next validation builds it again (seconds). For a node that validates only on request: one
     * that validates every write keeps it.
     */
    public void releaseWhenIdle(Duration idle) {
        if (always) {
            return;
        }
        Duration every = idle.dividedBy(4).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : idle.dividedBy(4);
        Thread.ofVirtual().name("profile-validator-release").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                if (releaseIfUnusedFor(idle)) {
                    // the definitions are spread over the old generation: one full collection gives their memory
                    // back to the operating system now, rather than whenever the next ones happen
                    System.gc();
                    log.info("released the profile validator after {} s unused", idle.toSeconds());
                }
            }
        });
    }

    /** Lets go of the validator if it is loaded and has not been used for {@code idle}; whether it did. */
    boolean releaseIfUnusedFor(Duration idle) {
        synchronized (this) {
            if (validator == null || running.get() > 0 || System.nanoTime() - lastUsedNanos < idle.toNanos()) {
                return false;
            }
            validator = null;
            CoreDefinitions.letGo(definitions);
            definitions = null;
            return true;
        }
    }

    boolean isLoaded() {
        return validator != null;
    }

    private ValidationResult run(IBaseResource resource, String profile) {
        running.incrementAndGet();
        try {
            ValidationOptions options = new ValidationOptions();
            if (profile != null && !profile.isBlank()) {
                options.addProfile(profile);
            }
            return validator().validateWithResult(resource, options);
        } finally {
            lastUsedNanos = System.nanoTime();
            running.decrementAndGet();
        }
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
        definitions = CoreDefinitions.hold(context);
        ValidationSupportChain support = new ValidationSupportChain(
                definitions,
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
