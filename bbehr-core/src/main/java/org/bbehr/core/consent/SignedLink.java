package org.bbehr.core.consent;

import java.time.Instant;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;

/**
 * A patient's EIP-712 {@code Link}: the proof that {@code patient} holds the key of the relaying hospital's Patient
 * whose id, hashed with the hospital's salt, is {@code patientIdHash} (no PHI on chain). {@code counter} is the
 * link's current counter; a re-link also needs {@code previousSignature}, the linked address's signature over the
 * same message (empty for a first link).
 */
public record SignedLink(Address patient, int hospitalId, Bytes32 patientIdHash, long counter, Instant issuedAt,
        Instant deadline, byte[] signature, byte[] previousSignature) {}
