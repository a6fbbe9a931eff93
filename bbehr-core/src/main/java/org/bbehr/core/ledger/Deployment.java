package org.bbehr.core.ledger;

import org.bbehr.core.crypto.Address;

/**
 * Where the consortium's contracts live on a chain, and from which block their events start.
 *
 * @param contracts the fingerprint of the compiled contracts that were deployed (empty for a deployment made before
 *     fingerprints, with the first contracts); a node runs only against the contracts it was built with
 * @param multisig the k-of-n approval contract that is the timelock's only proposer ({@link Address#ZERO} for the
 *     single-key consortium of {@code bbehr dev})
 */
public record Deployment(
        long chainId,
        Address consortiumAdmin,
        Address hospitalDirectory,
        Address consentRegistry,
        Address recordAnchor,
        long deployBlock,
        String contracts,
        Address multisig) {

    /** Whether consortium-admin calls need k-of-n approval (every deployment but {@code bbehr dev}'s). */
    public boolean hasMultisig() {
        return !multisig.equals(Address.ZERO);
    }
}
