package org.bbehr.core.directory;

/** A hospital's status in HospitalDirectory. The ordinal is the contract's enum value. */
public enum HospitalStatus {
    NONE,
    ACTIVE,
    SUSPENDED
}
