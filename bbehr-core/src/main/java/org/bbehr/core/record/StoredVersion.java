package org.bbehr.core.record;

import java.time.Instant;

/**
 * One version of a resource as the store keeps it. {@code content} is the exact UTF-8 JSON the node serialized for
 * this version, decrypted; it is empty for a deletion. {@code labels} are those written with it (a deletion keeps
 * the labels of the version it deletes).
 */
public record StoredVersion(ResourceKey key, long version, Instant lastUpdated, boolean deleted, byte[] content,
        AccessLabels labels) {

    public StoredVersion {
        content = content == null ? new byte[0] : content;
        java.util.Objects.requireNonNull(labels, "labels");
    }

    /** A version with no labels ({@link AccessLabels#UNLABELLED}). */
    public StoredVersion(ResourceKey key, long version, Instant lastUpdated, boolean deleted, byte[] content) {
        this(key, version, lastUpdated, deleted, content, AccessLabels.UNLABELLED);
    }
}
