package org.bbehr.core.record;

import java.util.OptionalLong;

/** One change in a {@link RecordStore#write} batch. */
public sealed interface ResourceWrite {

    ResourceKey key();

    /** The version the client expects to be current (If-Match); empty to write whatever is current. */
    OptionalLong expectedVersion();

    /**
     * Stores {@code content} (exact JSON bytes) as the next version, with its index entries and the labels access
     * decisions read (its patient compartment and category).
     */
    record Put(ResourceKey key, OptionalLong expectedVersion, byte[] content, IndexEntries index, AccessLabels labels)
            implements ResourceWrite {

        public Put {
            java.util.Objects.requireNonNull(labels, "labels");
        }

        /** A write with no labels ({@link AccessLabels#UNLABELLED}): for stores' own tests and tools. */
        public Put(ResourceKey key, OptionalLong expectedVersion, byte[] content, IndexEntries index) {
            this(key, expectedVersion, content, index, AccessLabels.UNLABELLED);
        }
    }

    /** Stores a deletion as the next version; refused while current resources reference the key. */
    record Delete(ResourceKey key, OptionalLong expectedVersion) implements ResourceWrite {}
}
