package org.bbehr.core.ledger;

import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.consent.SignedConsent;
import org.bbehr.core.consent.SignedLink;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.StaffRole;

import java.time.Instant;

/** A state-changing call of one of the consortium's contracts, described without any chain library's types. */
public sealed interface LedgerCall {

    /** Calls of HospitalDirectory; the consortium admin's go through {@link Schedule} and {@link Execute}. */
    sealed interface DirectoryCall extends LedgerCall {}

    record RegisterHospital(Address node, String name, String fhirBaseUrl) implements DirectoryCall {}

    record SetHospitalStatus(int hospitalId, HospitalStatus status) implements DirectoryCall {}

    record UpdateHospital(int hospitalId, String name, String fhirBaseUrl) implements DirectoryCall {}

    record RotateNodeAddress(int hospitalId, Address newNode) implements DirectoryCall {}

    record AddStaff(Address staff, StaffRole role) implements DirectoryCall {}

    record RemoveStaff(Address staff) implements DirectoryCall {}

    /** The signer's (a node's) hospital's exchange endpoint. */
    record SetExchangeEndpoint(String endpoint) implements DirectoryCall {}

    /** Sets or rotates the signer's (a node's) hospital's public keys. */
    record SetKeys(HospitalExchange.PublicKey signingKey, HospitalExchange.PublicKey encryptionKey)
            implements DirectoryCall {}

    /** Proposes a consortium-admin call to the timelock that holds the admin role. */
    record Schedule(DirectoryCall call, Bytes32 salt, long delaySeconds) implements LedgerCall {}

    /** Executes a consortium-admin call once its delay has passed. */
    record Execute(DirectoryCall call, Bytes32 salt) implements LedgerCall {}

    /**
     * Proposes to the consortium's multisig that the timelock schedule a consortium-admin call; the proposer's
     * approval counts. Owners of the multisig only.
     */
    record Propose(DirectoryCall call, Bytes32 salt, long delaySeconds) implements LedgerCall {}

    /** Approves a multisig proposal, once per owner. */
    record Approve(long proposalId) implements LedgerCall {}

    /** Carries out a multisig proposal that has its threshold of approvals (schedules the call on the timelock). */
    record ExecuteProposal(long proposalId) implements LedgerCall {}

    /** A grant made by the signer itself, as the patient. */
    record Grant(Grantee grantee, long scopes, Purpose purpose, Instant expiry) implements LedgerCall {
        public Grant {
            Purpose.requireGrantable(purpose);
        }
    }

    /** A revoke made by the signer itself, as the patient, as of now. */
    record Revoke(Grantee grantee) implements LedgerCall {}

    /** A cancel made by the signer itself, as the patient: a revoke that also kills every unrelayed signature. */
    record Cancel(Grantee grantee) implements LedgerCall {}

    /** Relays a patient's signed grant, revoke or cancel. */
    record Relay(SignedConsent consent) implements LedgerCall {}

    /** Relays a patient's signed link to a Patient of the signer's hospital. */
    record RelayLink(SignedLink link) implements LedgerCall {}

    /**
     * Break-glass, by the practitioner's own address (which the node may hold for the practitioner).
     *
     * @param saltedReasonHash {@code keccak256(salt ‖ reason)}, the salt random and kept off chain
     */
    record EmergencyAccess(Address patient, Bytes32 saltedReasonHash) implements LedgerCall {}

    /** Anchors a batch's root under the signer's hospital. */
    record AnchorRoot(Bytes32 root, int leafCount) implements LedgerCall {}
}
