package org.bbehr.core.consent;

import java.time.Instant;

/** A grant as stored on chain, for one patient–grantee pair. Scopes 0 means none or revoked. */
public record ConsentGrant(long scopes, Purpose purpose, Instant expiry, long counter) {

    public boolean covers(Category category, Instant now) {
        return (scopes & category.bit()) != 0 && now.isBefore(expiry);
    }
}
