package org.bbehr.core.record;

import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/** A resource's type and logical id, e.g. {@code Patient/123}. */
public record ResourceKey(String type, String id) {

    private static final int MAX_LENGTH = 64;

    public ResourceKey {
        if (!isType(type)) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not a resource type: " + type);
        }
        if (!isId(id)) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "not a FHIR id (1-64 of A-Z a-z 0-9 - .): " + id);
        }
    }

    /** {@code [A-Z][A-Za-z]{1,63}}, checked without a regular expression: every read and write makes keys. */
    private static boolean isType(String type) {
        if (type == null || type.length() < 2 || type.length() > MAX_LENGTH || !isUpper(type.charAt(0))) {
            return false;
        }
        for (int i = 1; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!isUpper(c) && !isLower(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9.-]{1,64}}. */
    private static boolean isId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isUpper(c) && !isLower(c) && (c < '0' || c > '9') && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
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
