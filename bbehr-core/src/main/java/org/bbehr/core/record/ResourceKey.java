package org.bbehr.core.record;

import java.util.regex.Pattern;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** A resource's type and logical id, e.g. {@code Patient/123}. */
public record ResourceKey(String type, String id) {

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public ResourceKey {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not a resource type: " + type);
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not a FHIR id (1-64 of A-Z a-z 0-9 - .): " + id);
        }
    }

    /** Parses {@code Type/id}. */
    public static ResourceKey parse(String reference) {
        int slash = reference.indexOf('/');
        if (slash <= 0 || reference.indexOf('/', slash + 1) >= 0) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not a Type/id reference: " + reference);
        }
        return new ResourceKey(reference.substring(0, slash), reference.substring(slash + 1));
    }

    @Override
    public String toString() {
        return type + "/" + id;
    }
}
