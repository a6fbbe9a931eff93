package org.bbehr.core.anchor;

import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.ResourceKey;

/**
 * A leaf waiting to be anchored: a record version, or an erasure marker over versions 1..{@code version}, or another
 * {@link LeafKind}.
 */
public record PendingLeaf(LeafKind kind, ResourceKey key, long version, Bytes32 contentHash) {}
