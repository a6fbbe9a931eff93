package org.bbehr.core.verify;

import org.bbehr.core.crypto.Bytes32;

/**
 * A root this hospital anchored on chain that the store does not account for: its batch is gone, or its manifest
 * (the leaves that make the root) is short, or no longer makes the root. The versions under it were deleted or
 * changed, journal rows included.
 *
 * @param leafCount the leaves the chain says the batch has
 */
public record RootProblem(Bytes32 root, long block, Bytes32 transaction, int leafCount, String reason) {}
