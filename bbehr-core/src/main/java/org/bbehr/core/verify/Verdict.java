package org.bbehr.core.verify;

import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.ResourceKey;

/**
 * The outcome for one version, with the reason when it is not verified, and its anchor when it has one.
 *
 * @param root the root its leaf is under, null when none
 * @param transaction the anchoring transaction, null when none
 * @param block the anchoring block, 0 when not known
 */
public record Verdict(ResourceKey key, long version, VerificationStatus status, String reason, Bytes32 root,
        Bytes32 transaction, long block) {}
