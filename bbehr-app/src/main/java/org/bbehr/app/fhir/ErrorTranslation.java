package org.bbehr.app.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bbehr.core.BbehrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR edge's translation of domain errors into HAPI's typed exceptions, which HAPI answers with an
 * OperationOutcome. Unknown failures become a 500 whose message says nothing of the request's content.
 */
@Interceptor
@StoredJsonResponses.LeavesReadsAlone
public final class ErrorTranslation {

    private static final Logger log = LoggerFactory.getLogger(ErrorTranslation.class);

    static BaseServerResponseException translate(BbehrException e) {
        String message = e.describe();
        return switch (e.code()) {
            case INVALID_INPUT, SEARCH_INVALID_VALUE, SEARCH_UNSUPPORTED, SEARCH_PROTECTED_FIELD ->
                    new InvalidRequestException(message);
            case RECORD_NOT_FOUND -> new ResourceNotFoundException(message);
            case ACCESS_FORBIDDEN -> new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException(message);
            case RECORD_VERSION_CONFLICT -> new PreconditionFailedException(message);
            case RECORD_REFERENCED -> new ResourceVersionConflictException(message);
            case RECORD_ERASED -> new ResourceGoneException(message);
            case STORE_UNAVAILABLE, LEDGER_UNAVAILABLE, ANCHOR_NOT_READY -> new ServiceUnavailableException(message);
            case VERIFY_NO_CHAIN -> new ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException(message);
            case OPERATION_BUSY -> tooManyRequests(message);
            case RESULT_TOO_LARGE -> new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException(message);
            default -> new InternalErrorException(message);
        };
    }

    /** 429 with a {@code Retry-After}: HAPI has no exception of its own for it. */
    private static BaseServerResponseException tooManyRequests(String message) {
        BaseServerResponseException busy = new BaseServerResponseException(429, message) {};
        busy.addResponseHeader("Retry-After", "5");
        return busy;
    }

    /** Replaces any exception on its way out with the right typed one. */
    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException onException(RequestDetails request, Throwable thrown, HttpServletRequest http) {
        Object bodyFailure = http == null ? null : http.getAttribute(BodySizeLimitFilter.FAILURE);
        if (bodyFailure instanceof BodySizeLimitFilter.BodyTooLargeException tooLarge) {
            return new PayloadTooLargeException(tooLarge.getMessage());
        }
        if (bodyFailure instanceof BodySizeLimitFilter.BadEncodingException badEncoding) {
            return new InvalidRequestException(badEncoding.getMessage());
        }
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof BbehrException known) {
                return translate(known);
            }
            if (cause instanceof BodySizeLimitFilter.BodyTooLargeException tooLarge) {
                return new PayloadTooLargeException(tooLarge.getMessage());
            }
            if (cause instanceof DataFormatException format) {
                return new InvalidRequestException("the request body is not valid FHIR: " + format.getMessage());
            }
            if (cause instanceof BaseServerResponseException typed && !(typed instanceof InternalErrorException)) {
                return typed;
            }
        }
        if (thrownByParser(thrown)) {
            return new InvalidRequestException("the request body is not valid FHIR (the parser failed on it)");
        }
        if (thrown instanceof BaseServerResponseException typed) {
            if (typed.getStatusCode() >= 500) {
                log.error("internal error on {} {}", request.getRequestType(), request.getResourceName(), thrown);
            }
            return typed;
        }
        log.error("unexpected failure on {} {}", request.getRequestType(), request.getResourceName(), thrown);
        return new InternalErrorException("internal error (" + thrown.getClass().getSimpleName() + ")");
    }

    /** A failure raised inside HAPI's parser is a malformed body, whatever exception the parser happened to throw. */
    private static boolean thrownByParser(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        for (StackTraceElement frame : root.getStackTrace()) {
            String name = frame.getClassName();
            if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
                return name.startsWith("ca.uhn.fhir.parser.");
            }
        }
        return false;
    }

    /** 503: the store or the chain cannot be reached now; the client may retry. */
    static final class ServiceUnavailableException extends BaseServerResponseException {
        ServiceUnavailableException(String message) {
            super(HttpServletResponse.SC_SERVICE_UNAVAILABLE, message);
        }
    }
}
