package org.bbehr.ledger;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.KeyType;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.ledger.LedgerEvent.Position;
import org.bbehr.ledger.contracts.ConsentRegistry;
import org.bbehr.ledger.contracts.ConsortiumMultisig;
import org.bbehr.ledger.contracts.HospitalDirectory;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.methods.response.Log;

/** Turns the consortium contracts' logs into {@link LedgerEvent}s; logs of other contracts are ignored. */
final class EventDecoder {

    private record Source(Address contract, Function<Log, LedgerEvent> decoder) {}

    private final Map<String, Source> byTopic = new HashMap<>();

    EventDecoder(Deployment deployment) {
        Address directory = deployment.hospitalDirectory();
        Address consent = deployment.consentRegistry();
        Address anchor = deployment.recordAnchor();
        on(HospitalDirectory.HOSPITALREGISTERED_EVENT, directory, log -> {
            var e = HospitalDirectory.getHospitalRegisteredEventFromLog(log);
            return new LedgerEvent.HospitalRegistered(position(log), e.hospitalId.intValue(), Address.of(e.node),
                    e.name, e.fhirBaseUrl);
        });
        on(HospitalDirectory.HOSPITALUPDATED_EVENT, directory, log -> {
            var e = HospitalDirectory.getHospitalUpdatedEventFromLog(log);
            return new LedgerEvent.HospitalUpdated(position(log), e.hospitalId.intValue(), e.name, e.fhirBaseUrl);
        });
        on(HospitalDirectory.HOSPITALSTATUSCHANGED_EVENT, directory, log -> {
            var e = HospitalDirectory.getHospitalStatusChangedEventFromLog(log);
            return new LedgerEvent.HospitalStatusChanged(position(log), e.hospitalId.intValue(),
                    HospitalStatus.values()[e.status.intValue()]);
        });
        on(HospitalDirectory.NODEADDRESSROTATED_EVENT, directory, log -> {
            var e = HospitalDirectory.getNodeAddressRotatedEventFromLog(log);
            return new LedgerEvent.NodeAddressRotated(position(log), e.hospitalId.intValue(),
                    Address.of(e.previousNode), Address.of(e.newNode));
        });
        on(HospitalDirectory.STAFFADDED_EVENT, directory, log -> {
            var e = HospitalDirectory.getStaffAddedEventFromLog(log);
            return new LedgerEvent.StaffAdded(position(log), e.hospitalId.intValue(), Address.of(e.staff),
                    StaffRole.values()[e.role.intValue()]);
        });
        on(HospitalDirectory.STAFFREMOVED_EVENT, directory, log -> {
            var e = HospitalDirectory.getStaffRemovedEventFromLog(log);
            return new LedgerEvent.StaffRemoved(position(log), e.hospitalId.intValue(), Address.of(e.staff));
        });
        on(HospitalDirectory.EXCHANGEENDPOINTSET_EVENT, directory, log -> {
            var e = HospitalDirectory.getExchangeEndpointSetEventFromLog(log);
            return new LedgerEvent.ExchangeEndpointSet(position(log), e.hospitalId.intValue(), e.endpoint);
        });
        on(HospitalDirectory.HOSPITALKEYSSET_EVENT, directory, log -> {
            var e = HospitalDirectory.getHospitalKeysSetEventFromLog(log);
            return new LedgerEvent.HospitalKeysSet(position(log), e.hospitalId.intValue(),
                    new HospitalExchange.PublicKey(KeyType.values()[e.signingKeyType.intValue()], e.signingKey),
                    new HospitalExchange.PublicKey(KeyType.values()[e.encryptionKeyType.intValue()],
                            e.encryptionKey));
        });
        on(ConsentRegistry.CONSENTGRANTED_EVENT, consent, log -> {
            var e = ConsentRegistry.getConsentGrantedEventFromLog(log);
            return new LedgerEvent.ConsentGranted(position(log), Address.of(e.patient), Grantee.fromKey(e.grantee),
                    e.scopes.longValue(), purpose(e.purpose), Instant.ofEpochSecond(e.expiry.longValue()),
                    e.counter.longValue(), Instant.ofEpochSecond(e.grantedAt.longValue()));
        });
        on(ConsentRegistry.CONSENTREVOKED_EVENT, consent, log -> {
            var e = ConsentRegistry.getConsentRevokedEventFromLog(log);
            return new LedgerEvent.ConsentRevoked(position(log), Address.of(e.patient), Grantee.fromKey(e.grantee),
                    Instant.ofEpochSecond(e.revokedBefore.longValue()));
        });
        on(ConsentRegistry.CONSENTCANCELLED_EVENT, consent, log -> {
            var e = ConsentRegistry.getConsentCancelledEventFromLog(log);
            return new LedgerEvent.ConsentCancelled(position(log), Address.of(e.patient), Grantee.fromKey(e.grantee),
                    Instant.ofEpochSecond(e.revokedBefore.longValue()));
        });
        on(ConsentRegistry.EMERGENCYACCESSDECLARED_EVENT, consent, log -> {
            var e = ConsentRegistry.getEmergencyAccessDeclaredEventFromLog(log);
            return new LedgerEvent.EmergencyAccessDeclared(position(log), Address.of(e.patient),
                    Address.of(e.practitioner), e.hospitalId.intValue(), Bytes32.wrap(e.saltedReasonHash),
                    e.count.intValue());
        });
        on(ConsentRegistry.PATIENTLINKED_EVENT, consent, log -> {
            var e = ConsentRegistry.getPatientLinkedEventFromLog(log);
            Address previous = Address.of(e.previous);
            return new LedgerEvent.PatientLinked(position(log), e.hospitalId.intValue(), Bytes32.wrap(e.patientIdHash),
                    Address.of(e.patient), previous.equals(Address.ZERO) ? Optional.empty() : Optional.of(previous),
                    e.counter.longValue());
        });
        Address multisig = deployment.multisig();
        on(ConsortiumMultisig.PROPOSED_EVENT, multisig, log -> {
            var e = ConsortiumMultisig.getProposedEventFromLog(log);
            return new LedgerEvent.ProposalMade(position(log), e.id.longValueExact(), Address.of(e.proposer));
        });
        on(ConsortiumMultisig.APPROVED_EVENT, multisig, log -> {
            var e = ConsortiumMultisig.getApprovedEventFromLog(log);
            return new LedgerEvent.ProposalApproved(position(log), e.id.longValueExact(), Address.of(e.owner),
                    e.approvals.intValue());
        });
        on(ConsortiumMultisig.EXECUTED_EVENT, multisig, log -> {
            var e = ConsortiumMultisig.getExecutedEventFromLog(log);
            return new LedgerEvent.ProposalExecuted(position(log), e.id.longValueExact());
        });
        on(RecordAnchor.ROOTANCHORED_EVENT, anchor, log -> {
            var e = RecordAnchor.getRootAnchoredEventFromLog(log);
            return new LedgerEvent.RootAnchored(position(log), e.hospitalId.intValue(), Bytes32.wrap(e.root),
                    e.leafCount.intValue());
        });
    }

    Optional<LedgerEvent> decode(Log log) {
        if (log.getTopics() == null || log.getTopics().isEmpty()) {
            return Optional.empty();
        }
        Source source = byTopic.get(log.getTopics().get(0).toLowerCase());
        if (source == null || !source.contract().equals(Address.of(log.getAddress()))) {
            return Optional.empty();
        }
        return Optional.of(source.decoder().apply(log));
    }

    private void on(Event event, Address contract, Function<Log, LedgerEvent> decoder) {
        byTopic.put(EventEncoder.encode(event).toLowerCase(), new Source(contract, decoder));
    }

    private static Position position(Log log) {
        return new Position(log.getBlockNumber().longValueExact(), Bytes32.fromHex(log.getTransactionHash()),
                log.getLogIndex().longValueExact());
    }

    private static Purpose purpose(BigInteger value) {
        return Purpose.fromCode(value.intValue());
    }
}
