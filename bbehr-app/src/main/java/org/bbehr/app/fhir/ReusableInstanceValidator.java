package org.bbehr.app.fhir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator.NullEvaluationContext;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * An {@link InstanceValidator} built to validate one resource after another, where HAPI's wrapper builds one per
 * resource. Building one takes about 9 ms on two cores, several validations' worth: it reads the 1.5 MB OID registry
 * and sets up a FHIRPath engine and profile utilities. Each validation clears the validator's per-resource state
 * itself, and this class also clears the hints it already gave about deprecated or retired definitions, which would
 * otherwise be given once per validator rather than once per resource.
 *
 * <p>One list is never cleared: the codings it saw, kept for checks that are off here, each holding on to the
 * element tree of its resource. So a validator is {@linkplain #isWorn() worn}, to be dropped, after
 * {@value #VALIDATIONS} validations or {@value #CONTENT_CHARS} characters of resources, whichever comes first; that
 * bounds what one holds to some megabytes. Not thread-safe: one thread at a time.
 */
final class ReusableInstanceValidator extends InstanceValidator {

    static final int VALIDATIONS = 200;
    static final int CONTENT_CHARS = 256 * 1024;

    private int validations;
    private long contentChars;

    ReusableInstanceValidator(IWorkerContext context) {
        super(context, new NullEvaluationContext(), new XVerExtensionManagerOld(context), new ValidatorSession(),
                new ValidatorSettings());
    }

    /** Validates the resource encoded in {@code content} against the core definitions and {@code profiles}. */
    List<ValidationMessage> validate(Object appContext, String content, FhirFormat format,
            List<StructureDefinition> profiles) {
        validations++;
        contentChars += content.length();
        statusWarnings.clear();
        List<ValidationMessage> messages = new ArrayList<>();
        validate(appContext, messages, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), format,
                profiles);
        return messages;
    }

    boolean isWorn() {
        return validations >= VALIDATIONS || contentChars >= CONTENT_CHARS;
    }
}
