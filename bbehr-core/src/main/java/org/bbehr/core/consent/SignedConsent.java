package org.bbehr.core.consent;

import java.time.Duration;
import java.time.Instant;
import org.bbehr.core.crypto.Address;

/**
 * A patient's EIP-712 signature over a grant, a revoke or a cancel, to be relayed to ConsentRegistry. Each carries
 * when it was issued; its deadline is at most {@link #MAX_LIFETIME} after that. A grant carries the pair's replay
 * counter it was signed at; a revoke or a cancel covers every grant signed at or before its {@code issuedAt}. The
 * signature is 65 bytes (r, s, v).
 */
public sealed interface SignedConsent {

    /** ConsentRegistry's {@code MAX_SIGNATURE_LIFETIME}: a relay is refused past {@code issuedAt} plus this. */
    Duration MAX_LIFETIME = Duration.ofDays(30);

    Address patient();

    Grantee grantee();

    Instant issuedAt();

    Instant deadline();

    byte[] signature();

    record Grant(
            Address patient,
            Grantee grantee,
            long scopes,
            Purpose purpose,
            Instant expiry,
            long counter,
            Instant issuedAt,
            Instant deadline,
            byte[] signature)
            implements SignedConsent {
        public Grant {
            Purpose.requireGrantable(purpose);
        }
    }

    /**
     * Ends every grant to the grantee signed at or before {@code issuedAt} plus the contract's clock skew (5 minutes, as
     * far as a grant's signature may be dated ahead), whenever either is relayed.
     */
    record Revoke(Address patient, Grantee grantee, Instant issuedAt, Instant deadline, byte[] signature)
            implements SignedConsent {}

    /** A revoke that also bumps the pair's counter, so every earlier unrelayed signature dies, with no grant needed. */
    record Cancel(Address patient, Grantee grantee, Instant issuedAt, Instant deadline, byte[] signature)
            implements SignedConsent {}
}
