package org.bbehr.core.ledger;

import org.bbehr.core.crypto.Address;

/**
 * Where the consortium's contracts live on a chain, and from which block their events start.
 *
 * @param contracts the fingerprint of the compiled contracts that were deployed (empty for a deployment made before
 *     fingerprints, with the first contracts); a node runs only against the contracts it was built with
 */
public record Deployment(
        long chainId,
        Address consortiumAdmin,
        Address hospitalDirectory,
        Address consentRegistry,
        Address recordAnchor,
        long deployBlock,
        String contracts) {}
