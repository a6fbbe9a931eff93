package org.bbehr.core.record;

import java.util.Set;

/**
 * What a version adds to the store's indexes, computed by the node before the write: blind-index tokens of its
 * identifiers (never the plain values) and the resources it references. The search feature adds more kinds here.
 */
public record IndexEntries(Set<String> identifierTokens, Set<ResourceKey> references) {

    public static final IndexEntries NONE = new IndexEntries(Set.of(), Set.of());

    public IndexEntries {
        identifierTokens = Set.copyOf(identifierTokens);
        references = Set.copyOf(references);
    }
}
