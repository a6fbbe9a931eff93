package org.bbehr.core.ledger;

import java.time.Instant;
import java.util.Optional;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.StaffRole;

/** An event of the consortium's contracts, with where it was emitted. */
public sealed interface LedgerEvent {

    Position position();

    /** Block, transaction and log index of an event: its place in the chain's total order. */
    record Position(long blockNumber, Bytes32 txHash, long logIndex) {}

    record HospitalRegistered(Position position, int hospitalId, Address node, String name, String fhirBaseUrl)
            implements LedgerEvent {}

    record HospitalUpdated(Position position, int hospitalId, String name, String fhirBaseUrl)
            implements LedgerEvent {}

    record HospitalStatusChanged(Position position, int hospitalId, HospitalStatus status) implements LedgerEvent {}

    record NodeAddressRotated(Position position, int hospitalId, Address previousNode, Address newNode)
            implements LedgerEvent {}

    record StaffAdded(Position position, int hospitalId, Address staff, StaffRole role) implements LedgerEvent {}

    record StaffRemoved(Position position, int hospitalId, Address staff) implements LedgerEvent {}

    record ExchangeEndpointSet(Position position, int hospitalId, String endpoint) implements LedgerEvent {}

    record HospitalKeysSet(Position position, int hospitalId, HospitalExchange.PublicKey signingKey,
            HospitalExchange.PublicKey encryptionKey)
            implements LedgerEvent {}

    record ConsentGranted(
            Position position,
            Address patient,
            Grantee grantee,
            long scopes,
            Purpose purpose,
            Instant expiry,
            long counter,
            Instant grantedAt)
            implements LedgerEvent {}

    /**
     * Every grant to the grantee signed at or before {@code revokedBefore} (the revoke's time plus the contract's
     * clock skew) ended, and none such can be relayed after.
     */
    record ConsentRevoked(Position position, Address patient, Grantee grantee, Instant revokedBefore)
            implements LedgerEvent {}

    /** As {@link ConsentRevoked}, and the pair's counter went up by one, so every earlier unrelayed signature died. */
    record ConsentCancelled(Position position, Address patient, Grantee grantee, Instant revokedBefore)
            implements LedgerEvent {}

    record EmergencyAccessDeclared(
            Position position, Address patient, Address practitioner, int hospitalId, Bytes32 saltedReasonHash,
            int count)
            implements LedgerEvent {}

    record PatientLinked(Position position, int hospitalId, Bytes32 patientIdHash, Address patient,
            Optional<Address> previous, long counter)
            implements LedgerEvent {}

    record ProposalMade(Position position, long proposalId, Address proposer) implements LedgerEvent {}

    record ProposalApproved(Position position, long proposalId, Address owner, int approvals)
            implements LedgerEvent {}

    record ProposalExecuted(Position position, long proposalId) implements LedgerEvent {}

    record RootAnchored(Position position, int hospitalId, Bytes32 root, int leafCount)
            implements LedgerEvent {}
}
