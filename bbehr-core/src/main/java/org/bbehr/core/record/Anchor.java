package org.bbehr.core.record;

import java.time.Instant;

/** A Merkle root as a hospital anchored it on chain: when, and how many leaves its batch has. */
public record Anchor(int hospitalId, Instant anchoredAt, int leafCount) {}
