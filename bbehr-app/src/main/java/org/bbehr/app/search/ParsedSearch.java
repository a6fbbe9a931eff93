package org.bbehr.app.search;

import java.util.List;
import org.bbehr.core.search.SearchQuery;

/**
 * A search request as the node runs it: the query (protected values already turned into tokens), the references to
 * include, and what was ignored (names only, never values), to report in the result.
 */
public record ParsedSearch(SearchQuery query, List<Include> includes, List<Include> revIncludes,
        List<String> ignored) {

    /** {@code _include} / {@code _revinclude}: resources of {@code sourceType} and their reference {@code param}. */
    public record Include(String sourceType, String param, String targetType) {}

    public ParsedSearch {
        includes = List.copyOf(includes);
        revIncludes = List.copyOf(revIncludes);
        ignored = List.copyOf(ignored);
    }
}
