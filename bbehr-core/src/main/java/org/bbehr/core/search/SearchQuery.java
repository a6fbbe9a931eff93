package org.bbehr.core.search;

import java.util.List;
import java.util.Optional;

/**
 * A search of current, not deleted resources of one type: every clause must hold (FHIR's repeated parameters are
 * AND), in the order of {@code sort} then by id, at most {@code limit} results, and only those that {@code access}
 * admits when it is present (the door adds it for an actor that may not see everything).
 */
public record SearchQuery(String type, List<Clause> clauses, List<SortKey> sort, int limit,
        Optional<AccessClause> access) {

    public SearchQuery {
        clauses = List.copyOf(clauses);
        sort = List.copyOf(sort);
        if (limit < 0) {
            throw new IllegalArgumentException("a negative limit");
        }
        java.util.Objects.requireNonNull(access, "access");
    }

    /** A query that every resource may match, whoever asks (the door narrows it for the actor). */
    public SearchQuery(String type, List<Clause> clauses, List<SortKey> sort, int limit) {
        this(type, clauses, sort, limit, Optional.empty());
    }

    public static SearchQuery of(String type, Clause... clauses) {
        return new SearchQuery(type, List.of(clauses), List.of(), Integer.MAX_VALUE);
    }

    public SearchQuery withLimit(int newLimit) {
        return new SearchQuery(type, clauses, sort, newLimit, access);
    }

    public SearchQuery withSort(List<SortKey> newSort) {
        return new SearchQuery(type, clauses, newSort, limit, access);
    }

    /** This query seen through {@code clause}. */
    public SearchQuery withAccess(AccessClause clause) {
        return new SearchQuery(type, clauses, sort, limit, Optional.of(clause));
    }
}
