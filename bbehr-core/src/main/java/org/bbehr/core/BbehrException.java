package org.bbehr.core;

/**
 * The one unchecked exception of BbEHR's domain. Each carries a stable {@link ErrorCode}, which every edge (FHIR,
 * /api, command line) shows to the user with the message.
 */
public class BbehrException extends RuntimeException {

    private final ErrorCode code;

    public BbehrException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public BbehrException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The code and the message, as one line for a user. */
    public String describe() {
        return code.code() + " " + getMessage();
    }
}
