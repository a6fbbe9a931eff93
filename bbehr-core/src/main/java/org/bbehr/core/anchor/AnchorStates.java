package org.bbehr.core.anchor;

import java.util.Optional;
import org.bbehr.core.record.ResourceKey;

/** Looks up a record version's anchoring, for its {@code meta} on read. */
public interface AnchorStates {

    /** The version's state; empty when the store has no anchoring record of it (e.g. written before anchoring). */
    Optional<AnchorState> find(ResourceKey key, long version);
}
