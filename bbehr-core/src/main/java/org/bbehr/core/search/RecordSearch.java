package org.bbehr.core.search;

import java.util.List;
import java.util.Optional;
import org.bbehr.core.record.ResourceKey;

/** Searches the index of current, not deleted resources. Adapters never see a protected value, only its token. */
public interface RecordSearch {

    /** The matching resources, in the query's order, at most its limit. */
    default List<ResourceKey> search(SearchQuery query) {
        return searchFrom(query, Optional.empty()).keys();
    }

    /**
     * The matching resources that come after {@code after} in the query's order (from the first when empty), at most
     * the query's limit, with the position of the last one to continue from.
     */
    SearchPage searchFrom(SearchQuery query, Optional<SearchPage.Position> after);

    /** How many resources match, ignoring the limit. */
    long count(SearchQuery query);
}
