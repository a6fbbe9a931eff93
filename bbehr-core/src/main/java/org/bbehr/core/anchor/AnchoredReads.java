package org.bbehr.core.anchor;

import java.util.Optional;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.StoredVersion;

/**
 * Reads a record version together with its anchoring, for a read that shows both: a store that keeps the anchoring
 * journal beside its versions answers in one look-up, which sees both in one snapshot.
 */
public interface AnchoredReads {

    /** A version and its anchoring; the anchoring is empty when there is no record of it (as in AnchorStates). */
    record AnchoredVersion(StoredVersion version, Optional<AnchorState> anchor) {}

    /** The current version, deletions included, with its anchoring; refused as {@link RecordStore#findCurrent} is. */
    Optional<AnchoredVersion> findCurrentAnchored(ResourceKey key);

    /** One version with its anchoring; refused as {@link RecordStore#findVersion} is. */
    Optional<AnchoredVersion> findVersionAnchored(ResourceKey key, long version);
}
