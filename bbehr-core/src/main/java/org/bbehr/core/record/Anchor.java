package org.bbehr.core.record;

import java.time.Instant;

/** Where and when a Merkle root was anchored on chain. */
public record Anchor(int hospitalId, Instant anchoredAt, AnchorKind kind) {}
