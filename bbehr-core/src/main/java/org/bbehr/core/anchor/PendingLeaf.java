package org.bbehr.core.anchor;

import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.ResourceKey;

/** A record version (or, for erasures, a marker over versions 1..{@code version}) waiting to be anchored. */
public record PendingLeaf(ResourceKey key, long version, Bytes32 contentHash) {}
