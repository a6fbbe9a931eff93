package org.bbehr.core.search;

import java.util.List;

/**
 * A search of current, not deleted resources of one type: every clause must hold (FHIR's repeated parameters are
 * AND), in the order of {@code sort} then by id, at most {@code limit} results.
 */
public record SearchQuery(String type, List<Clause> clauses, List<SortKey> sort, int limit) {

    public SearchQuery {
        clauses = List.copyOf(clauses);
        sort = List.copyOf(sort);
        if (limit < 0) {
            throw new IllegalArgumentException("a negative limit");
        }
    }

    public static SearchQuery of(String type, Clause... clauses) {
        return new SearchQuery(type, List.of(clauses), List.of(), Integer.MAX_VALUE);
    }

    public SearchQuery withLimit(int newLimit) {
        return new SearchQuery(type, clauses, sort, newLimit);
    }

    public SearchQuery withSort(List<SortKey> newSort) {
        return new SearchQuery(type, clauses, newSort, limit);
    }
}
