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

    /**
     * Gives an existing resource's current version (and so the resource) new labels without a new version: for a
     * Binary that a DocumentReference points to, which takes that DocumentReference's labels. Its earlier versions keep
     * theirs, and a read of one of them is judged by the stricter of the two. It yields no version in the batch's
     * result; refused with {@code RECORD_NOT_FOUND} for a resource that does not exist.
     */
    record Relabel(ResourceKey key, AccessLabels labels) implements ResourceWrite {

        public Relabel {
            java.util.Objects.requireNonNull(labels, "labels");
        }

        @Override
        public OptionalLong expectedVersion() {
            return OptionalLong.empty();
        }
    }
}
