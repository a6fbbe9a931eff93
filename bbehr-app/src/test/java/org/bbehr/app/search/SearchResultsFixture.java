package org.bbehr.app.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.access.Actor;
import org.bbehr.core.access.AllowAllPolicy;
import org.bbehr.core.access.NoOpAuditTrail;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.memory.InMemoryRecordStore;
import org.bbehr.core.search.SearchQuery;

/** Search results as a search request leaves them in the paging store, for tests of other packages. */
public final class SearchResultsFixture {

    private SearchResultsFixture() {}

    /** The (empty) results of a Patient search that {@code actor} made. */
    public static IBundleProvider madeBy(Actor actor) {
        InMemoryRecordStore store = new InMemoryRecordStore();
        HmacBlindIndex blindIndex = new HmacBlindIndex(new byte[32]);
        RecordAccess door = new RecordAccess(new RecordAccess.Parts(store, store, Optional.empty(), blindIndex,
                AllowAllPolicy.INSTANCE, NoOpAuditTrail.INSTANCE));
        return new SearchResults(new ParsedSearch(SearchQuery.of("Patient"), List.of(), List.of(), List.of()),
                Instant.now(), null, keys -> List.of(), door, actor,
                new SearchIndexer(FhirContext.forR4Cached(), blindIndex));
    }
}
