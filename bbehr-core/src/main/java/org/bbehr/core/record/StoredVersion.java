package org.bbehr.core.record;

import java.time.Instant;

/**
 * One version of a resource as the store keeps it. {@code content} is the exact UTF-8 JSON the node serialized for
 * this version, decrypted; it is empty for a deletion.
 */
public record StoredVersion(ResourceKey key, long version, Instant lastUpdated, boolean deleted, byte[] content) {

    public StoredVersion {
        content = content == null ? new byte[0] : content;
    }
}
