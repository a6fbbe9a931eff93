package org.bbehr.core.verify;

import java.util.List;
import org.bbehr.core.crypto.Bytes32;

/**
 * What the store keeps of a leaf put in a batch.
 *
 * @param hospitalId the hospital the leaf claims
 * @param contentHash the content hash the leaf was built from
 * @param proof the sibling hashes from the leaf up to {@code root}
 * @param confirmed whether the batch is known to be anchored (false: sent, not confirmed yet)
 * @param transaction the transaction that anchored (or will anchor) the root
 * @param block the block it was mined in, 0 when not known
 */
public record AnchoredLeaf(int hospitalId, Bytes32 contentHash, List<Bytes32> proof, Bytes32 root, boolean confirmed,
        Bytes32 transaction, long block) {}
