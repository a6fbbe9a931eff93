package org.bbehr.core.record;

import java.util.OptionalLong;

/** One change in a {@link RecordStore#write} batch. */
public sealed interface ResourceWrite {

    ResourceKey key();

    /** The version the client expects to be current (If-Match); empty to write whatever is current. */
    OptionalLong expectedVersion();

    /** Stores {@code content} (exact JSON bytes) as the next version. */
    record Put(ResourceKey key, OptionalLong expectedVersion, byte[] content, IndexEntries index)
            implements ResourceWrite {}

    /** Stores a deletion as the next version; refused while current resources reference the key. */
    record Delete(ResourceKey key, OptionalLong expectedVersion) implements ResourceWrite {}
}
