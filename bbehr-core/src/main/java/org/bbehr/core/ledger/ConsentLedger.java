package org.bbehr.core.ledger;

import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.ConsentGrant;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.PatientLink;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Address;

/** Patients' grants as the ConsentRegistry contract holds them, and what they authorise. */
public interface ConsentLedger {

    /** The grant of one patient to one grantee; scopes 0 (and counter 0) when there never was one. */
    ConsentGrant grantOf(Address patient, Grantee grantee);

    /**
     * Whether the practitioner, an active practitioner of an active hospital, holds a grant of the patient covering the
     * category: their own, or their hospital's.
     */
    boolean isAuthorized(Address patient, Address practitioner, Category category);

    /** Whether the active hospital holds a grant of the patient covering the category. */
    boolean isHospitalAuthorized(Address patient, int hospitalId, Category category);

    /** Which address the hospital's Patient (its id hashed with the hospital's salt) proved to hold. */
    PatientLink linkOf(int hospitalId, Bytes32 patientIdHash);
}
