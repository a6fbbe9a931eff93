package org.bbehr.core.consent;

import java.time.Instant;
import java.util.Optional;
import org.bbehr.core.crypto.Address;

/** Which address a hospital's Patient proved to hold, as ConsentRegistry keeps it; counter 0 when never linked. */
public record PatientLink(Optional<Address> patient, long counter, Instant linkedAt) {}
