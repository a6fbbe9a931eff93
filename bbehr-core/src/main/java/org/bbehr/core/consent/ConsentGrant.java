package org.bbehr.core.consent;

import java.time.Instant;

/**
 * A patient–grantee pair as stored on chain: the grant (scopes 0 means none, revoked or cancelled), the pair's
 * replay counter, when the grant was signed or made, and the {@code issuedAt} of the pair's latest revoke or cancel
 * (no grant signed at or before it can be relayed).
 */
public record ConsentGrant(long scopes, Purpose purpose, Instant expiry, long counter, Instant grantedAt,
        Instant revokedBefore) {

    public boolean covers(Category category, Instant now) {
        return (scopes & category.bit()) != 0 && now.isBefore(expiry);
    }
}
