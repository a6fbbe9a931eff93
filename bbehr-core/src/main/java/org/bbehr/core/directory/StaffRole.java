package org.bbehr.core.directory;

/** A staff member's role in HospitalDirectory. The ordinal is the contract's enum value. */
public enum StaffRole {
    NONE,
    PRACTITIONER,
    HOSPITAL_ADMIN,
    AUDITOR
}
