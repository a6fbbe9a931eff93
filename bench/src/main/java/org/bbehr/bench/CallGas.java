package org.bbehr.bench;

import static org.bbehr.bench.Consortium.address;
import static org.bbehr.bench.Consortium.newKeys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.bbehr.bench.Consortium.HospitalNode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.KeyType;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.TransactionOutcome;
import org.bbehr.ledger.Web3jLedger;
import org.web3j.crypto.Credentials;

/**
 * The gas of every state-changing call of the contracts: the median of {@value #CALLS} calls each, every call on
 * its own fresh hospital, staff member or patient–grantee pair.
 */
final class CallGas {

    static final int CALLS = 20;

    static final String PEER_RECORD_RANGE = "110,000–192,000";
    static final String PEER_RECORD = PEER_RECORD_RANGE + " per record added";
    static final String PEER_GRANT = "137,000–208,000";
    static final String PEER_SIGNED_GRANT = "78,000 (average)";

    private static final String ADMIN = "consortium admin (via the timelock)";
    private static final String NODE = "hospital node";
    private static final String PATIENT = "patient";
    private static final String PRACTITIONER = "practitioner";
    private static final long SCOPES = Category.scopes(Category.CONDITIONS, Category.ALLERGIES);
    private static final long WIDER_SCOPES = Category.scopes(Category.CONDITIONS, Category.ALLERGIES, Category.MEDICATIONS);

    private final Consortium consortium;
    private final List<GasFigure> figures = new ArrayList<>();

    CallGas(Consortium consortium) {
        this.consortium = consortium;
    }

    List<GasFigure> measure() {
        List<HospitalNode> hospitals = registerHospitals();
        suspendHospitals(hospitals);
        updateHospitals(hospitals);
        hospitals = rotateNodeAddresses(hospitals);
        List<Credentials> practitioners = addPractitioners(hospitals);
        removeStaff(hospitals);
        grantReplaceAndRevoke(practitioners);
        grantAndRevokeBySignature(hospitals);
        cancel(practitioners, hospitals);
        link(hospitals);
        publishExchange(hospitals);
        declareEmergencyAccess(practitioners);
        anchor(hospitals);
        return List.copyOf(figures);
    }

    private List<HospitalNode> registerHospitals() {
        List<Long> scheduled = new ArrayList<>();
        List<Long> executed = new ArrayList<>();
        List<HospitalNode> hospitals = new ArrayList<>();
        for (Credentials node : newKeys(CALLS)) {
            int number = hospitals.size() + 1;
            var register = new LedgerCall.RegisterHospital(address(node),
                    "Hospital %02d (synthetic)".formatted(number), "https://hospital-%02d.example/fhir".formatted(number));
            Bytes32 salt = Bytes32.random();
            scheduled.add(admin().submit(new LedgerCall.Schedule(register, salt, 0)).gasUsed());
            TransactionOutcome outcome = admin().submit(new LedgerCall.Execute(register, salt));
            executed.add(outcome.gasUsed());
            hospitals.add(consortium.hospitalOf(node, outcome));
        }
        figures.add(figure("registerHospital: timelock `schedule`", ADMIN, scheduled, OptionalLong.empty(), ""));
        figures.add(figure("registerHospital: timelock `execute`", ADMIN, executed, OptionalLong.empty(), ""));
        return hospitals;
    }

    /** Measures the timelock's execute of a suspension, then makes every hospital active again. */
    private void suspendHospitals(List<HospitalNode> hospitals) {
        measure("setHospitalStatus (suspend): timelock `execute`", ADMIN, OptionalLong.empty(), "", i -> {
            var suspend = new LedgerCall.SetHospitalStatus(hospitals.get(i).id(), HospitalStatus.SUSPENDED);
            Bytes32 salt = Bytes32.random();
            admin().submit(new LedgerCall.Schedule(suspend, salt, 0));
            return admin().submit(new LedgerCall.Execute(suspend, salt));
        });
        hospitals.forEach(h -> admin().administer(new LedgerCall.SetHospitalStatus(h.id(), HospitalStatus.ACTIVE)));
    }

    private void updateHospitals(List<HospitalNode> hospitals) {
        measure("updateHospital", NODE, OptionalLong.empty(), "", i -> hospitals.get(i).ledger().submit(
                new LedgerCall.UpdateHospital(hospitals.get(i).id(), "Hospital %02d East (synthetic)".formatted(i + 1),
                        "https://east.hospital-%02d.example/fhir".formatted(i + 1))));
    }

    /** @return the hospitals with their new node keys */
    private List<HospitalNode> rotateNodeAddresses(List<HospitalNode> hospitals) {
        List<Credentials> newNodes = newKeys(CALLS);
        measure("rotateNodeAddress", NODE, OptionalLong.empty(), "", i -> hospitals.get(i).ledger().submit(
                new LedgerCall.RotateNodeAddress(hospitals.get(i).id(), address(newNodes.get(i)))));
        return IntStream.range(0, CALLS).mapToObj(i -> consortium.hospital(hospitals.get(i).id(), newNodes.get(i))).toList();
    }

    /** @return one practitioner per hospital, in the hospitals' order */
    private List<Credentials> addPractitioners(List<HospitalNode> hospitals) {
        List<Credentials> practitioners = newKeys(CALLS);
        measure("addStaff", NODE, OptionalLong.empty(), "", i -> hospitals.get(i).ledger().submit(
                new LedgerCall.AddStaff(address(practitioners.get(i)), StaffRole.PRACTITIONER)));
        return practitioners;
    }

    private void removeStaff(List<HospitalNode> hospitals) {
        List<Credentials> leavers = newKeys(CALLS);
        IntStream.range(0, CALLS).forEach(i -> hospitals.get(i).ledger().submit(
                new LedgerCall.AddStaff(address(leavers.get(i)), StaffRole.PRACTITIONER)));
        measure("removeStaff", NODE, OptionalLong.empty(), "", i -> hospitals.get(i).ledger().submit(
                new LedgerCall.RemoveStaff(address(leavers.get(i)))));
    }

    /** Each fresh patient grants a practitioner, widens the grant, then revokes it. */
    private void grantReplaceAndRevoke(List<Credentials> practitioners) {
        List<Web3jLedger> patients = newKeys(CALLS).stream().map(consortium::ledgerOf).toList();
        IntFunction<Grantee> grantee = i -> Grantee.practitioner(address(practitioners.get(i)));
        measure("grant (new grant)", PATIENT, OptionalLong.of(50_000), PEER_GRANT, i -> patients.get(i).submit(
                new LedgerCall.Grant(grantee.apply(i), SCOPES, Purpose.TREATMENT, inDays(365))));
        measure("grant (replacing a grant)", PATIENT, OptionalLong.empty(), "", i -> patients.get(i).submit(
                new LedgerCall.Grant(grantee.apply(i), WIDER_SCOPES, Purpose.TREATMENT, inDays(730))));
        measure("revoke", PATIENT, OptionalLong.of(30_000), "", i -> patients.get(i).submit(
                new LedgerCall.Revoke(grantee.apply(i))));
    }

    /** Each fresh patient signs a grant to a hospital, which its node relays, then a revoke, relayed the same way. */
    private void grantAndRevokeBySignature(List<HospitalNode> hospitals) {
        List<Credentials> patients = newKeys(CALLS);
        IntFunction<Grantee> grantee = i -> Grantee.hospital(hospitals.get(i).id());
        measure("grantBySig (new grant)", NODE + " (relay)", OptionalLong.of(70_000), PEER_SIGNED_GRANT,
                i -> hospitals.get(i).ledger().submit(new LedgerCall.Relay(
                        consortium.signNewGrant(patients.get(i), grantee.apply(i), SCOPES, inDays(365)))));
        measure("revokeBySig", NODE + " (relay)", OptionalLong.empty(), "", i -> hospitals.get(i).ledger().submit(
                new LedgerCall.Relay(consortium.signRevoke(patients.get(i), grantee.apply(i)))));
    }

    /**
     * Cancels: of a live grant by the patient (the counterpart of revoke), on a pair never touched before (a fresh
     * slot), and signed, relayed by the hospital's node.
     */
    private void cancel(List<Credentials> practitioners, List<HospitalNode> hospitals) {
        List<Web3jLedger> patients = newKeys(CALLS).stream().map(consortium::ledgerOf).toList();
        IntFunction<Grantee> toPractitioner = i -> Grantee.practitioner(address(practitioners.get(i)));
        IntStream.range(0, CALLS).forEach(i -> patients.get(i).submit(
                new LedgerCall.Grant(toPractitioner.apply(i), SCOPES, Purpose.TREATMENT, inDays(365))));
        measure("cancel (of a live grant)", PATIENT, OptionalLong.of(30_000), "", i -> patients.get(i).submit(
                new LedgerCall.Cancel(toPractitioner.apply(i))));
        measure("cancel (a pair never granted)", PATIENT, OptionalLong.of(30_000), "", i -> patients.get(i).submit(
                new LedgerCall.Cancel(Grantee.hospital(hospitals.get(i).id()))));
        List<Credentials> signers = newKeys(CALLS);
        measure("cancelBySig (a pair never granted)", NODE + " (relay)", OptionalLong.empty(), "",
                i -> hospitals.get(i).ledger().submit(new LedgerCall.Relay(
                        consortium.signCancel(signers.get(i), Grantee.hospital(hospitals.get(i).id())))));
    }

    /** Each fresh patient's first link to a Patient of a hospital, relayed by that hospital's node. */
    private void link(List<HospitalNode> hospitals) {
        List<Credentials> patients = newKeys(CALLS);
        measure("linkBySig (first link)", NODE + " (relay)", OptionalLong.of(60_000), "",
                i -> hospitals.get(i).ledger().submit(new LedgerCall.RelayLink(
                        consortium.signFirstLink(patients.get(i), hospitals.get(i).id()))));
    }

    /** Each node publishes its exchange endpoint, then its two public keys (first time). */
    private void publishExchange(List<HospitalNode> hospitals) {
        measure("setExchangeEndpoint (first)", NODE, OptionalLong.empty(), "", i -> hospitals.get(i).ledger().submit(
                new LedgerCall.SetExchangeEndpoint("https://exchange.hospital-%02d.example/bbehr".formatted(i + 1))));
        measure("setKeys (first: secp256k1 33 B, X25519 32 B)", NODE, OptionalLong.empty(), "",
                i -> hospitals.get(i).ledger().submit(new LedgerCall.SetKeys(
                        new HospitalExchange.PublicKey(KeyType.SECP256K1, key(33, i)),
                        new HospitalExchange.PublicKey(KeyType.X25519, key(32, i)))));
    }

    private static byte[] key(int length, int seed) {
        byte[] bytes = Bytes32.random().toArray();
        byte[] key = java.util.Arrays.copyOf(bytes, length);
        key[0] = (byte) (length == 33 ? 2 + (seed & 1) : key[0]);
        return key;
    }

    private void declareEmergencyAccess(List<Credentials> practitioners) {
        List<Credentials> patients = newKeys(CALLS);
        measure("emergencyAccess", PRACTITIONER, OptionalLong.empty(), "", i -> consortium.ledgerOf(practitioners.get(i))
                .submit(new LedgerCall.EmergencyAccess(address(patients.get(i)), Bytes32.random())));
    }

    private void anchor(List<HospitalNode> hospitals) {
        measure("anchor (one root)", NODE, OptionalLong.of(AnchorBatches.TARGET_PER_BATCH), PEER_RECORD,
                i -> hospitals.get(i).ledger().submit(new LedgerCall.AnchorRoot(Bytes32.random(), 1)));
    }

    /** Makes {@value #CALLS} calls, the i-th by {@code call.apply(i)}, and keeps the median of their gas. */
    private void measure(String name, String sender, OptionalLong target, String peers,
            IntFunction<TransactionOutcome> call) {
        List<Long> gas = IntStream.range(0, CALLS).mapToObj(call).map(TransactionOutcome::gasUsed).toList();
        figures.add(figure(name, sender, gas, target, peers));
    }

    private static GasFigure figure(String name, String sender, List<Long> gas, OptionalLong target, String peers) {
        return new GasFigure(name, sender, Stats.median(gas), target, peers);
    }

    private Web3jLedger admin() {
        return consortium.admin();
    }

    private static Instant inDays(int days) {
        return Instant.now().plus(Duration.ofDays(days));
    }
}
