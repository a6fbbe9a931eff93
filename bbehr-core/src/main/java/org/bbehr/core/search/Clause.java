package org.bbehr.core.search;

import java.util.List;

/**
 * One search parameter of a query: the resource matches when any of the criteria matches (FHIR's comma), or, when
 * {@code negated} (FHIR's {@code :not}), when none does.
 */
public record Clause(List<Criterion> anyOf, boolean negated) {

    public Clause {
        anyOf = List.copyOf(anyOf);
        if (anyOf.isEmpty()) {
            throw new IllegalArgumentException("a clause needs at least one criterion");
        }
    }

    public static Clause of(Criterion... anyOf) {
        return new Clause(List.of(anyOf), false);
    }
}
