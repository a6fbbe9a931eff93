package org.bbehr.ledger;

import java.math.BigInteger;
import org.bbehr.core.consent.SignedConsent;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerCall.AddStaff;
import org.bbehr.core.ledger.LedgerCall.AnchorRoot;
import org.bbehr.core.ledger.LedgerCall.DirectoryCall;
import org.bbehr.core.ledger.LedgerCall.EmergencyAccess;
import org.bbehr.core.ledger.LedgerCall.Execute;
import org.bbehr.core.ledger.LedgerCall.Grant;
import org.bbehr.core.ledger.LedgerCall.RegisterHospital;
import org.bbehr.core.ledger.LedgerCall.Relay;
import org.bbehr.core.ledger.LedgerCall.RemoveStaff;
import org.bbehr.core.ledger.LedgerCall.Revoke;
import org.bbehr.core.ledger.LedgerCall.RotateNodeAddress;
import org.bbehr.core.ledger.LedgerCall.Schedule;
import org.bbehr.core.ledger.LedgerCall.SetHospitalStatus;
import org.bbehr.core.ledger.LedgerCall.UpdateHospital;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.utils.Numeric;

/** Encodes a {@link LedgerCall} into the target contract and call data, through the generated wrappers. */
final class CallEncoder {

    /** A contract address and ABI-encoded call data. */
    record Encoded(String to, String data) {}

    private final ContractSet contracts;

    CallEncoder(ContractSet contracts) {
        this.contracts = contracts;
    }

    Encoded encode(LedgerCall call) {
        return switch (call) {
            case DirectoryCall directoryCall -> new Encoded(
                    contracts.directory().getContractAddress(), directoryData(directoryCall));
            case Schedule schedule -> timelock(contracts.timelock().schedule(
                    contracts.directory().getContractAddress(), BigInteger.ZERO,
                    Numeric.hexStringToByteArray(directoryData(schedule.call())), new byte[32],
                    schedule.salt().toArray(), BigInteger.valueOf(schedule.delaySeconds())));
            case Execute execute -> timelock(contracts.timelock().execute(
                    contracts.directory().getContractAddress(), BigInteger.ZERO,
                    Numeric.hexStringToByteArray(directoryData(execute.call())), new byte[32],
                    execute.salt().toArray(), BigInteger.ZERO));
            case LedgerCall.Propose propose -> multisig(contracts.multisig().propose(
                    contracts.timelock().getContractAddress(), Numeric.hexStringToByteArray(
                            contracts.timelock().schedule(contracts.directory().getContractAddress(), BigInteger.ZERO,
                                    Numeric.hexStringToByteArray(directoryData(propose.call())), new byte[32],
                                    propose.salt().toArray(), BigInteger.valueOf(propose.delaySeconds()))
                                    .encodeFunctionCall())));
            case LedgerCall.Approve approve -> multisig(contracts.multisig().approve(
                    BigInteger.valueOf(approve.proposalId())));
            case LedgerCall.ExecuteProposal execute -> multisig(contracts.multisig().execute(
                    BigInteger.valueOf(execute.proposalId())));
            case Grant grant -> consent(contracts.consent().grant(grant.grantee().key(),
                    BigInteger.valueOf(grant.scopes()), BigInteger.valueOf(grant.purpose().code()),
                    BigInteger.valueOf(grant.expiry().getEpochSecond())));
            case Revoke revoke -> consent(contracts.consent().revoke(revoke.grantee().key()));
            case LedgerCall.Cancel cancel -> consent(contracts.consent().cancel(cancel.grantee().key()));
            case Relay relay -> consent(relayCall(relay.consent()));
            case LedgerCall.RelayLink relay -> consent(contracts.consent().linkBySig(relay.link().patient().value(),
                    relay.link().patientIdHash().toArray(), BigInteger.valueOf(relay.link().counter()),
                    seconds(relay.link().issuedAt()), seconds(relay.link().deadline()), relay.link().signature(),
                    relay.link().previousSignature()));
            case EmergencyAccess emergency -> consent(contracts.consent().emergencyAccess(
                    emergency.patient().value(), emergency.saltedReasonHash().toArray()));
            case AnchorRoot anchor -> new Encoded(contracts.anchor().getContractAddress(),
                    contracts.anchor().anchor(anchor.root().toArray(), BigInteger.valueOf(anchor.leafCount()))
                            .encodeFunctionCall());
        };
    }

    private String directoryData(DirectoryCall call) {
        var directory = contracts.directory();
        RemoteFunctionCall<?> function = switch (call) {
            case RegisterHospital register -> directory.registerHospital(
                    register.node().value(), register.name(), register.fhirBaseUrl());
            case SetHospitalStatus status -> directory.setHospitalStatus(
                    BigInteger.valueOf(status.hospitalId()), BigInteger.valueOf(status.status().ordinal()));
            case UpdateHospital update -> directory.updateHospital(
                    BigInteger.valueOf(update.hospitalId()), update.name(), update.fhirBaseUrl());
            case RotateNodeAddress rotate -> directory.rotateNodeAddress(
                    BigInteger.valueOf(rotate.hospitalId()), rotate.newNode().value());
            case AddStaff add -> directory.addStaff(add.staff().value(), BigInteger.valueOf(add.role().ordinal()));
            case RemoveStaff remove -> directory.removeStaff(remove.staff().value());
            case LedgerCall.SetExchangeEndpoint endpoint -> directory.setExchangeEndpoint(endpoint.endpoint());
            case LedgerCall.SetKeys keys -> directory.setKeys(
                    BigInteger.valueOf(keys.signingKey().type().ordinal()), keys.signingKey().bytes(),
                    BigInteger.valueOf(keys.encryptionKey().type().ordinal()), keys.encryptionKey().bytes());
        };
        return function.encodeFunctionCall();
    }

    private RemoteFunctionCall<?> relayCall(SignedConsent consent) {
        var registry = contracts.consent();
        return switch (consent) {
            case SignedConsent.Grant grant -> registry.grantBySig(grant.patient().value(), grant.grantee().key(),
                    BigInteger.valueOf(grant.scopes()), BigInteger.valueOf(grant.purpose().code()),
                    seconds(grant.expiry()), BigInteger.valueOf(grant.counter()), seconds(grant.issuedAt()),
                    seconds(grant.deadline()), grant.signature());
            case SignedConsent.Revoke revoke -> registry.revokeBySig(revoke.patient().value(), revoke.grantee().key(),
                    seconds(revoke.issuedAt()), seconds(revoke.deadline()), revoke.signature());
            case SignedConsent.Cancel cancel -> registry.cancelBySig(cancel.patient().value(), cancel.grantee().key(),
                    seconds(cancel.issuedAt()), seconds(cancel.deadline()), cancel.signature());
        };
    }

    static BigInteger seconds(java.time.Instant instant) {
        return BigInteger.valueOf(instant.getEpochSecond());
    }

    private Encoded consent(RemoteFunctionCall<?> function) {
        return new Encoded(contracts.consent().getContractAddress(), function.encodeFunctionCall());
    }

    private Encoded multisig(RemoteFunctionCall<?> function) {
        return new Encoded(contracts.multisig().getContractAddress(), function.encodeFunctionCall());
    }

    private Encoded timelock(RemoteFunctionCall<?> function) {
        return new Encoded(contracts.timelock().getContractAddress(), function.encodeFunctionCall());
    }
}
