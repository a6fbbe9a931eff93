package org.bbehr.core.directory;

import org.bbehr.core.crypto.Address;

/** A hospital of the consortium, as HospitalDirectory knows it. */
public record Hospital(int id, Address node, HospitalStatus status, String name, String fhirBaseUrl) {

    public boolean isActive() {
        return status == HospitalStatus.ACTIVE;
    }
}
