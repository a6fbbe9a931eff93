package org.bbehr.core.consent;

import java.time.Instant;
import org.bbehr.core.crypto.Address;

/**
 * A patient's EIP-712 signature over a grant or a revoke, to be relayed to ConsentRegistry. {@code counter} is the
 * pair's replay counter the patient signed; the signature is 65 bytes (r, s, v).
 */
public sealed interface SignedConsent {

    Address patient();

    Grantee grantee();

    long counter();

    Instant deadline();

    byte[] signature();

    record Grant(
            Address patient,
            Grantee grantee,
            long scopes,
            Purpose purpose,
            Instant expiry,
            long counter,
            Instant deadline,
            byte[] signature)
            implements SignedConsent {
        public Grant {
            Purpose.requireGrantable(purpose);
        }
    }

    record Revoke(Address patient, Grantee grantee, long counter, Instant deadline, byte[] signature)
            implements SignedConsent {}
}
