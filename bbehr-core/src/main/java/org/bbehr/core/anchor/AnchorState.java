package org.bbehr.core.anchor;

import org.bbehr.core.crypto.Bytes32;

/**
 * A version's anchoring as shown on read: pending, or anchored with the transaction, block and root.
 *
 * @param block 0 when not known
 */
public record AnchorState(boolean anchored, Bytes32 root, Bytes32 transaction, long block) {

    public static final AnchorState PENDING = new AnchorState(false, null, null, 0);
}
