package org.bbehr.core.anchor;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bbehr.core.record.ResourceKey;

/** Looks up a record version's anchoring, for its {@code meta} on read. */
public interface AnchorStates {

    /** The version's state; empty when the store has no anchoring record of it (e.g. written before anchoring). */
    Optional<AnchorState> find(ResourceKey key, long version);

    /** One version of a resource, to look up several at once. */
    record Version(ResourceKey key, long version) {}

    /** The states of several versions at once (a page of search results), of those the store has a record of. */
    default Map<Version, AnchorState> findAll(Collection<Version> versions) {
        Map<Version, AnchorState> states = new HashMap<>();
        for (Version version : versions) {
            find(version.key(), version.version()).ifPresent(state -> states.put(version, state));
        }
        return states;
    }
}
