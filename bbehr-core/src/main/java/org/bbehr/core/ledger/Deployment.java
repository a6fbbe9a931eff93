package org.bbehr.core.ledger;

import org.bbehr.core.crypto.Address;

/** Where the consortium's contracts live on a chain, and from which block their events start. */
public record Deployment(
        long chainId,
        Address consortiumAdmin,
        Address hospitalDirectory,
        Address consentRegistry,
        Address recordAnchor,
        long deployBlock) {}
