package org.bbehr.bench;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.consent.SignedConsent;
import org.bbehr.core.consent.SignedLink;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.ledger.TransactionOutcome;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.bbehr.ledger.ConsentSignatures;

/** The synthetic members of a consortium on one dev chain: fresh keys, their ledgers (closed with it), signatures. */
final class Consortium implements AutoCloseable {

    /** A registered hospital and the ledger of its node's key. */
    record HospitalNode(int id, Credentials node, Web3jLedger ledger) {}

    private final DevChain chain;
    private final List<Web3jLedger> ledgers = new ArrayList<>();
    private final Web3jLedger admin;

    Consortium(DevChain chain) {
        this.chain = chain;
        this.admin = ledgerOf(DevAccounts.admin());
    }

    /** The consortium admin's key, the timelock's proposer and executor on the dev chain. */
    Web3jLedger admin() {
        return admin;
    }

    Web3jLedger ledgerOf(Credentials key) {
        Web3jLedger ledger = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), key, chain.deployment());
        ledgers.add(ledger);
        return ledger;
    }

    /** Registers a hospital through the timelock, for setups that are not measured. */
    HospitalNode registerHospital(String name, String fhirBaseUrl) {
        Credentials node = newKey();
        return hospitalOf(node, admin.administer(new LedgerCall.RegisterHospital(address(node), name, fhirBaseUrl)));
    }

    /** The hospital that a timelock execute of registerHospital created for {@code node}. */
    HospitalNode hospitalOf(Credentials node, TransactionOutcome registered) {
        return hospital(registered.event(LedgerEvent.HospitalRegistered.class).hospitalId(), node);
    }

    HospitalNode hospital(int id, Credentials node) {
        return new HospitalNode(id, node, ledgerOf(node));
    }

    /** A patient's EIP-712 grant to a grantee it never granted before (counter 0), valid for ten minutes. */
    SignedConsent.Grant signNewGrant(Credentials patient, Grantee grantee, long scopes, Instant expiry) {
        var unsigned = new SignedConsent.Grant(address(patient), grantee, scopes, Purpose.TREATMENT, expiry, 0,
                Instant.now(), signatureDeadline(), new byte[0]);
        return new SignedConsent.Grant(unsigned.patient(), grantee, scopes, unsigned.purpose(), expiry, 0,
                unsigned.issuedAt(), unsigned.deadline(), sign(patient, admin.digestOf(unsigned)));
    }

    /** A patient's EIP-712 revoke of every grant to the grantee signed until now, valid for ten minutes. */
    SignedConsent.Revoke signRevoke(Credentials patient, Grantee grantee) {
        var unsigned = new SignedConsent.Revoke(address(patient), grantee, Instant.now(), signatureDeadline(),
                new byte[0]);
        return new SignedConsent.Revoke(unsigned.patient(), grantee, unsigned.issuedAt(), unsigned.deadline(),
                sign(patient, admin.digestOf(unsigned)));
    }

    /** A patient's EIP-712 cancel of every unrelayed signature for the grantee, valid for ten minutes. */
    SignedConsent.Cancel signCancel(Credentials patient, Grantee grantee) {
        var unsigned = new SignedConsent.Cancel(address(patient), grantee, Instant.now(), signatureDeadline(),
                new byte[0]);
        return new SignedConsent.Cancel(unsigned.patient(), grantee, unsigned.issuedAt(), unsigned.deadline(),
                sign(patient, admin.digestOf(unsigned)));
    }

    /** A patient's first EIP-712 link to a hospital's Patient (a synthetic id hash), valid for ten minutes. */
    SignedLink signFirstLink(Credentials patient, int hospitalId) {
        Bytes32 patientIdHash = Bytes32.random();
        var unsigned = new SignedLink(address(patient), hospitalId, patientIdHash, 0, Instant.now(),
                signatureDeadline(), new byte[0], new byte[0]);
        return new SignedLink(unsigned.patient(), hospitalId, patientIdHash, 0, unsigned.issuedAt(),
                unsigned.deadline(), sign(patient, admin.digestOf(unsigned)), new byte[0]);
    }

    @Override
    public void close() {
        ledgers.forEach(Web3jLedger::close);
    }

    static Credentials newKey() {
        try {
            return Credentials.create(Keys.createEcKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a key pair", e);
        }
    }

    static List<Credentials> newKeys(int count) {
        return Stream.generate(Consortium::newKey).limit(count).toList();
    }

    static Address address(Credentials key) {
        return Address.of(key.getAddress());
    }

    private static Instant signatureDeadline() {
        return Instant.now().plusSeconds(600);
    }

    private static byte[] sign(Credentials signer, Bytes32 digest) {
        return ConsentSignatures.sign(signer, digest);
    }
}
