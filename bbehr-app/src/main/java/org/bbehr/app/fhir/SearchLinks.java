package org.bbehr.app.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.bbehr.app.search.FhirSearch;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Keeps search values out of a search result's links. HAPI's {@code self} link repeats the request's query, which
 * would put names or identifiers in a URL that clients log and cache; it becomes the link to the stored results'
 * first page instead, like {@code next} and {@code previous}, which carry only the results' random id.
 */
@Interceptor
@StoredJsonResponses.LeavesReadsAlone
public final class SearchLinks {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean rewriteSelf(RequestDetails request, ResponseDetails response) {
        if (!(response.getResponseResource() instanceof Bundle bundle)
                || bundle.getType() != Bundle.BundleType.SEARCHSET) {
            return true;
        }
        Bundle.BundleLinkComponent self = bundle.getLink(Bundle.LINK_SELF);
        if (self == null || self.getUrl() == null || !self.getUrl().contains("?")
                || self.getUrl().contains("_getpages=")) {
            return true;
        }
        String base = request.getFhirServerBase();
        Object id = request.getUserData().get(FhirSearch.SEARCH_ID);
        if (id != null) {
            String count = request.getParameters().containsKey("_count")
                    ? "&_count=" + safeCount(request.getParameters().get("_count")) : "";
            self.setUrl(base + "?_getpages=" + id + "&_getpagesoffset=0" + count + "&_bundletype=searchset");
        } else {
            self.setUrl(self.getUrl().substring(0, self.getUrl().indexOf('?')));
        }
        return true;
    }

    private static String safeCount(String[] values) {
        return values.length > 0 && values[0].matches("\\d{1,6}") ? values[0] : "";
    }
}
