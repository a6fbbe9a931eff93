package org.bbehr.core.record;

import java.util.List;
import java.util.Set;

/**
 * What a version adds to the store's indexes, computed by the node before the write: blind-index tokens of its
 * identifiers (never the plain values), the resources it references, and the values of its search parameters.
 */
public record IndexEntries(Set<String> identifierTokens, Set<ResourceKey> references, List<IndexValue> values) {

    public static final IndexEntries NONE = new IndexEntries(Set.of(), Set.of(), List.of());

    public IndexEntries {
        identifierTokens = Set.copyOf(identifierTokens);
        references = Set.copyOf(references);
        values = List.copyOf(values);
    }

    /** Identifier tokens and references only, with no search parameter values. */
    public IndexEntries(Set<String> identifierTokens, Set<ResourceKey> references) {
        this(identifierTokens, references, List.of());
    }
}
