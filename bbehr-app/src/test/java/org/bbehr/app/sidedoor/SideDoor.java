package org.bbehr.app.sidedoor;

import java.util.Optional;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.StoredVersion;

/** A deliberately wrong fixture for the boundary test: a class outside the composition root that reads the store. */
public final class SideDoor {

    private final RecordStore store;

    public SideDoor(RecordStore store) {
        this.store = store;
    }

    public Optional<StoredVersion> read(ResourceKey key) {
        return store.findCurrent(key);
    }
}
