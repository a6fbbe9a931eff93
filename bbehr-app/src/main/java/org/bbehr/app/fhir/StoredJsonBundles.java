package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.util.DateUtils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.record.StoredVersion;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Answers a plain JSON page of search results with the bytes the store kept for each resource, as
 * {@link StoredJsonResponses} does for a read: parsing the stored bytes and having HAPI encode them again was half of
 * the CPU of a page of 20 patients. The page's resources are stubs (type, id and {@code meta}) that carry their stored
 * JSON; HAPI builds the Bundle around them, and this interceptor writes it with each stub's JSON in its place. An
 * answer that cannot be written so ({@code _format}, {@code _pretty}, {@code _summary}, {@code _elements}) gets the
 * parsed resources in place of the stubs, for HAPI to encode as before.
 *
 * <p>Stubs are made only when every registered interceptor leaves reads alone and the search includes nothing by
 * following references, which needs the resources' content (see {@link FhirRecords#searchReader}).
 */
@Interceptor
@StoredJsonResponses.LeavesReadsAlone
final class StoredJsonBundles {

    /** A stub's stored version, its anchoring and the JSON to write for it. */
    private record Stored(StoredVersion version, Optional<AnchorState> anchor, String json) {}

    private static final String USER_DATA = StoredJsonBundles.class.getName();
    /** Placeholder ids: a FHIR id no stored resource has (ids made by the node are UUIDs). */
    private static final String PLACEHOLDER = "bbehr-stored-json-";

    private final FhirRecords records;
    private final Counter answered;

    StoredJsonBundles(FhirRecords records, MeterRegistry registry) {
        this.records = records;
        this.answered = Counter.builder("bbehr.fhir.search.pages.from.stored.bytes")
                .description("Search pages answered with the stored bytes, without parsing and encoding them again")
                .register(registry);
    }

    /** A stub of the version that this interceptor writes from its stored bytes, when they have HAPI's shape. */
    static Optional<IBaseResource> stub(FhirContext context, StoredVersion stored, Optional<AnchorState> anchor) {
        return StoredJsonResponses.withMeta(context, stored, anchor).map(json -> {
            Resource stub = (Resource) context.getResourceDefinition(stored.key().type()).newInstance();
            stub.setId(new IdType(stored.key().type(), stored.key().id(), Long.toString(stored.version())));
            stub.getMeta().setVersionId(Long.toString(stored.version()));
            stub.getMeta().setLastUpdatedElement(StoredJsonResponses.lastUpdated(stored));
            anchor.ifPresent(state -> AnchorMeta.add(stub.getMeta(), state));
            stub.setUserData(USER_DATA, new Stored(stored, anchor, json));
            return stub;
        });
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = Integer.MAX_VALUE)
    public boolean respond(RequestDetails request, ResponseDetails response) throws IOException {
        if (!(response.getResponseResource() instanceof Bundle bundle)) {
            return true;
        }
        List<Bundle.BundleEntryComponent> stubbed = bundle.getEntry().stream()
                .filter(e -> e.getResource() != null && e.getResource().getUserData(USER_DATA) instanceof Stored)
                .toList();
        if (stubbed.isEmpty()) {
            return true;
        }
        Optional<String> json = plainJson(request) ? spliced(request, bundle, stubbed) : Optional.empty();
        if (json.isEmpty()) {
            for (Bundle.BundleEntryComponent entry : stubbed) {
                Stored stored = (Stored) entry.getResource().getUserData(USER_DATA);
                entry.setResource((Resource) records.toResource(stored.version(), stored.anchor()));
            }
            return true;
        }
        if (bundle.getMeta().getLastUpdated() != null) {
            request.getResponse().addHeader(Constants.HEADER_LAST_MODIFIED,
                    DateUtils.formatDate(bundle.getMeta().getLastUpdated()));
        }
        String contentType = RestfulServerUtils.determineResponseEncodingWithDefault(request).getResourceContentType();
        Writer writer = request.getResponse().getResponseWriter(response.getResponseCode(), contentType,
                Constants.CHARSET_NAME_UTF8, request.isRespondGzip());
        writer.write(json.get());
        request.getResponse().commitResponse(writer);
        answered.increment();
        return false;
    }

    /**
     * The Bundle as HAPI encodes it, with the stubs' stored JSON where HAPI wrote a placeholder for each: written
     * directly for a plain search page ({@link SearchsetJson}), else by HAPI around placeholders; empty (and the stubs
     * back in place) if a placeholder is not where it should be.
     */
    private static Optional<String> spliced(RequestDetails request, Bundle bundle,
            List<Bundle.BundleEntryComponent> stubbed) {
        if (stubbed.size() == bundle.getEntry().size()) {
            Optional<String> direct = SearchsetJson.write(bundle, stubbed.stream()
                    .map(entry -> ((Stored) entry.getResource().getUserData(USER_DATA)).json()).toList());
            if (direct.isPresent()) {
                return direct;
            }
        }
        List<Resource> stubs = new ArrayList<>();
        for (int i = 0; i < stubbed.size(); i++) {
            stubs.add(stubbed.get(i).getResource());
            stubbed.get(i).setResource(new Basic().setId(PLACEHOLDER + i));
        }
        String encoded = RestfulServerUtils.getNewParser(request.getServer().getFhirContext(), FhirVersionEnum.R4,
                request).encodeResourceToString(bundle);
        StringBuilder out = new StringBuilder(encoded.length() + stubbed.size() * 2048);
        int from = 0;
        for (int i = 0; i < stubbed.size(); i++) {
            String placeholder = "{\"resourceType\":\"Basic\",\"id\":\"" + PLACEHOLDER + i + "\"}";
            int at = encoded.indexOf(placeholder, from);
            if (at < 0) {
                for (int j = 0; j < stubbed.size(); j++) {
                    stubbed.get(j).setResource(stubs.get(j));
                }
                return Optional.empty();
            }
            out.append(encoded, from, at).append(((Stored) stubs.get(i).getUserData(USER_DATA)).json());
            from = at + placeholder.length();
        }
        return Optional.of(out.append(encoded, from, encoded.length()).toString());
    }

    /** A JSON answer that HAPI would write without changing the resources: no summary, elements or pretty print. */
    private static boolean plainJson(RequestDetails request) {
        return request.getParameters().keySet().stream().noneMatch(name -> name.startsWith("_format")
                || name.startsWith("_pretty") || name.startsWith("_summary") || name.startsWith("_elements"))
                && RestfulServerUtils.determineResponseEncodingWithDefault(request).getEncoding() == EncodingEnum.JSON
                && !RestfulServerUtils.prettyPrintResponse(request.getServer(), request);
    }
}
