package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.util.DateUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Answers a plain JSON read or vread with the bytes the store kept for the version, its anchoring,
 * {@code meta.versionId} and {@code meta.lastUpdated} spliced in, instead of parsing those bytes and having HAPI encode the result again (the
 * two were about half of the CPU of a read). The answer is byte for byte what HAPI would have written: the stored
 * bytes are HAPI's own compact encoding of the same resource.
 *
 * <p>The provider hands HAPI a stub (type, id, version and time, no content) that this interceptor answers from the
 * stored bytes. That is safe only while no interceptor looks at or changes what a read returns, so it is done only
 * when every registered interceptor is marked {@link LeavesReadsAlone}; registering any other one (consent,
 * masking, audit of content) turns it off and reads are parsed and encoded by HAPI again. Anything other than a
 * plain JSON answer ({@code _summary}, {@code _elements}, {@code _pretty}, XML, any other parameter) is too.
 */
@Interceptor
@StoredJsonResponses.LeavesReadsAlone
final class StoredJsonResponses {

    /** Marks an interceptor that neither inspects nor changes the resource a read returns. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface LeavesReadsAlone {}

    private record Answer(StoredVersion stored, String json) {}

    private static final String USER_DATA = StoredJsonResponses.class.getName();
    private static final String META = ",\"meta\":{";
    private static final int ANCHOR_EXTENSIONS_KEPT = 4096;
    /** The anchor extension's JSON by state (HAPI writes it the same for every R4 context). */
    private static final Map<AnchorState, String> ANCHOR_EXTENSIONS = new ConcurrentHashMap<>();

    private final Counter answered;

    StoredJsonResponses(MeterRegistry registry) {
        this.answered = Counter.builder("bbehr.fhir.reads.from.stored.bytes")
                .description("Reads answered with the stored bytes, without parsing and encoding them again")
                .register(registry);
    }

    /** A stub of the version for HAPI to pass on and this interceptor to answer, when it can answer the request. */
    static Optional<IBaseResource> stub(FhirContext context, StoredVersion stored, Optional<AnchorState> anchor,
            RequestDetails request) {
        if (!plainJsonRead(request) || !everyInterceptorLeavesReadsAlone(request)) {
            return Optional.empty();
        }
        InstantType lastUpdated = lastUpdated(stored);
        return withMeta(context, stored, anchor, lastUpdated.getValueAsString()).map(json -> {
            Resource stub = (Resource) context.getResourceDefinition(stored.key().type()).newInstance();
            stub.setId(new IdType(stored.key().type(), stored.key().id(), Long.toString(stored.version())));
            stub.getMeta().setVersionId(Long.toString(stored.version()));
            stub.getMeta().setLastUpdatedElement(lastUpdated);
            anchor.ifPresent(state -> AnchorMeta.add(stub.getMeta(), state));
            stub.setUserData(USER_DATA, new Answer(stored, json));
            return stub;
        });
    }

    /**
     * The stored bytes with the version's anchoring, id and time in {@code meta}, if they have the shape HAPI encodes
     * and no extension of their own in {@code meta} (those are left to HAPI, which lists them with the anchor's).
     */
    static Optional<String> withMeta(FhirContext context, StoredVersion stored, Optional<AnchorState> anchor) {
        return withMeta(context, stored, anchor, lastUpdated(stored).getValueAsString());
    }

    private static Optional<String> withMeta(FhirContext context, StoredVersion stored, Optional<AnchorState> anchor,
            String lastUpdated) {
        String json = new String(stored.content(), StandardCharsets.UTF_8);
        String head = "{\"resourceType\":\"" + stored.key().type() + "\",\"id\":\"" + stored.key().id() + "\"";
        if (!json.startsWith(head) || json.length() <= head.length()
                || json.startsWith(",\"meta\":{\"extension\"", head.length())) {
            return Optional.empty();
        }
        String meta = "\"meta\":{" + anchor.map(state -> anchorExtension(context, state) + ",").orElse("")
                + "\"versionId\":\"" + stored.version() + "\",\"lastUpdated\":\"" + lastUpdated + "\"";
        int rest = head.length();
        StringBuilder out = new StringBuilder(json.length() + meta.length() + 8).append(head).append(',').append(meta);
        if (json.startsWith(META, rest)) {
            int metaRest = rest + META.length();
            out.append(json.startsWith("}", metaRest) ? "" : ",").append(json, metaRest, json.length());
        } else if (json.startsWith(",", rest)) {
            out.append('}').append(json, rest, json.length());
        } else if (json.length() == rest + 1 && json.endsWith("}")) {
            out.append("}}");
        } else {
            return Optional.empty();
        }
        return Optional.of(out.toString());
    }

    /**
     * {@code "extension":[…]} with the anchor extension, as HAPI writes it in a {@code meta}. Kept for the last few
     * thousand states: every version of a batch has the same one, so most reads of an anchoring node find theirs.
     */
    private static String anchorExtension(FhirContext context, AnchorState state) {
        String known = ANCHOR_EXTENSIONS.get(state);
        if (known != null) {
            return known;
        }
        if (ANCHOR_EXTENSIONS.size() >= ANCHOR_EXTENSIONS_KEPT) {
            ANCHOR_EXTENSIONS.clear();
        }
        String encoded = encodeAnchorExtension(context, state);
        ANCHOR_EXTENSIONS.put(state, encoded);
        return encoded;
    }

    private static String encodeAnchorExtension(FhirContext context, AnchorState state) {
        Basic holder = new Basic();
        AnchorMeta.add(holder.getMeta(), state);
        String json = context.newJsonParser().encodeResourceToString(holder);
        String prefix = "{\"resourceType\":\"Basic\",\"meta\":{";
        return json.substring(prefix.length(), json.length() - 2);
    }

    static InstantType lastUpdated(StoredVersion stored) {
        return new InstantType(Date.from(stored.lastUpdated()));
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = Integer.MAX_VALUE)
    public boolean respond(RequestDetails request, ResponseDetails response) throws IOException {
        IBaseResource resource = response.getResponseResource();
        if (resource == null || !(resource.getUserData(USER_DATA) instanceof Answer answer)) {
            return true;
        }
        StoredVersion stored = answer.stored();
        String versioned = request.getFhirServerBase() + "/" + stored.key().type() + "/" + stored.key().id()
                + "/" + Constants.PARAM_HISTORY + "/" + stored.version();
        var reply = request.getResponse();
        reply.addHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(Long.toString(stored.version())));
        reply.addHeader(Constants.HEADER_CONTENT_LOCATION, versioned);
        reply.addHeader(Constants.HEADER_LAST_MODIFIED, DateUtils.formatDate(Date.from(stored.lastUpdated())));
        String contentType = RestfulServerUtils.determineResponseEncodingWithDefault(request).getResourceContentType();
        Writer writer = reply.getResponseWriter(response.getResponseCode(), contentType, Constants.CHARSET_NAME_UTF8,
                request.isRespondGzip());
        writer.write(answer.json());
        reply.commitResponse(writer);
        answered.increment();
        return false;
    }

    private static boolean plainJsonRead(RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        return (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD)
                && request.getParameters().isEmpty()
                && RestfulServerUtils.determineResponseEncodingWithDefault(request).getEncoding() == EncodingEnum.JSON
                && !RestfulServerUtils.prettyPrintResponse(request.getServer(), request);
    }

    static boolean everyInterceptorLeavesReadsAlone(RequestDetails request) {
        if (!(request.getServer() instanceof RestfulServer server)) {
            return false;
        }
        for (Object interceptor : server.getInterceptorService().getAllRegisteredInterceptors()) {
            if (!interceptor.getClass().isAnnotationPresent(LeavesReadsAlone.class)) {
                return false;
            }
        }
        return true;
    }
}
