package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/** Reads the version out of an ETag such as {@code W/"3"}. */
final class ETags {

    private ETags() {}

    static long version(String etag) {
        String value = etag.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("If-Match must be a version ETag such as W/\"3\"");
        }
    }
}
