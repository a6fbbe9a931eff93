package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;

/**
 * The server's store of results being paged through, in memory, oldest dropped first. A result that already has an
 * id (a search stores its results when it runs, so that its {@code self} link can name them) keeps it instead of
 * being stored twice. Results hold resource keys, never search values, and are bound to the actor that made the
 * search.
 */
final class SearchPaging extends FifoMemoryPagingProvider {

    /**
     * How many results are kept for paging, as before search existed; each holds the keys of the pages read so far
     * (at most 10,000, about 1 MB), so at worst some 200 MB.
     */
    static final int CAPACITY = 200;

    SearchPaging(int capacity) {
        super(capacity);
    }

    /**
     * The results stored under {@code id}, for the actor that made the search only: to anyone else they are as
     * unknown as an expired id.
     */
    @Override
    public synchronized IBundleProvider retrieveResultList(RequestDetails request, String id) {
        IBundleProvider results = super.retrieveResultList(request, id);
        return results == null || org.bbehr.app.search.FhirSearch.madeBy(results, RequestActors.of(request))
                ? results : null;
    }

    @Override
    public synchronized String storeResultList(RequestDetails request, IBundleProvider list) {
        if (list.getUuid() != null && retrieveResultList(request, list.getUuid()) == list) {
            return list.getUuid();
        }
        return super.storeResultList(request, list);
    }
}
