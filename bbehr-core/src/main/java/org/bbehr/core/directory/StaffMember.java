package org.bbehr.core.directory;

import org.bbehr.core.crypto.Address;

/** A staff address, the hospital it belongs to and its role there. */
public record StaffMember(Address address, int hospitalId, StaffRole role) {}
