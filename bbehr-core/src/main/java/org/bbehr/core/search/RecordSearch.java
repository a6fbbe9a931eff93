package org.bbehr.core.search;

import java.util.List;
import org.bbehr.core.record.ResourceKey;

/** Searches the index of current, not deleted resources. Adapters never see a protected value, only its token. */
public interface RecordSearch {

    /** The matching resources, in the query's order, at most its limit. */
    List<ResourceKey> search(SearchQuery query);

    /** How many resources match, ignoring the limit. */
    long count(SearchQuery query);
}
