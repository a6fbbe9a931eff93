package org.bbehr.core.ledger;

import java.util.Optional;
import java.util.OptionalInt;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.directory.Hospital;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.StaffMember;
import org.bbehr.core.directory.StaffRole;

/** The consortium's hospital and staff directory (the HospitalDirectory contract's state). */
public interface Directory {

    Optional<Hospital> findHospital(int hospitalId);

    int hospitalCount();

    /** The hospital whose node this address is, active or not. */
    OptionalInt findHospitalOfNode(Address node);

    boolean isActiveHospital(int hospitalId);

    Optional<StaffMember> findStaff(Address staff);

    /** Whether the address is staff of that hospital in that role, and the hospital is active. */
    boolean isActiveStaff(Address staff, int hospitalId, StaffRole role);

    /** The hospital's exchange endpoint and public keys ({@link HospitalExchange#NONE} until its node set them). */
    HospitalExchange exchangeOf(int hospitalId);
}
