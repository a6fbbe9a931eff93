package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bbehr.ledger.Fixtures.address;
import static org.bbehr.ledger.Fixtures.newKey;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.KeyType;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.ConsentLedger;
import org.bbehr.core.ledger.Directory;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * What the {@link Directory} and {@link ConsentLedger} ports must answer, whichever adapter answers them: the chain's
 * own views (web3j) or the mirror built from the contracts' events. Every test changes the chain through the real
 * contracts on anvil, lets the adapter {@link #catchUp()}, and asks it.
 */
abstract class LedgerViewsContract {

    @TempDir
    static Path dataDir;

    static DevChain chain;
    static Web3jLedger admin;

    @BeforeAll
    static void startChain() {
        chain = DevChain.start(DevChain.Options.in(dataDir));
        admin = ledgerOf(DevAccounts.admin());
    }

    @AfterAll
    static void stopChain() {
        admin.close();
        chain.close();
    }

    static Web3jLedger ledgerOf(Credentials key) {
        return Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), key, chain.deployment());
    }

    protected abstract Directory directory();

    protected abstract ConsentLedger consents();

    /** Brings the adapter up to the chain's head (nothing to do for an adapter that asks the chain). */
    protected abstract void catchUp();

    record Hospital(int id, Credentials node, Web3jLedger ledger) {}

    static Hospital register(String name) {
        Credentials node = newKey();
        int id = admin.administer(new LedgerCall.RegisterHospital(address(node), name + " (synthetic)",
                "https://" + name + ".example/fhir")).event(LedgerEvent.HospitalRegistered.class).hospitalId();
        return new Hospital(id, node, ledgerOf(node));
    }

    static Credentials staff(Hospital hospital, StaffRole role) {
        Credentials member = newKey();
        hospital.ledger().submit(new LedgerCall.AddStaff(address(member), role));
        return member;
    }

    static Instant inOneDay() {
        return Instant.now().plus(Duration.ofDays(1));
    }

    @Test
    void registeredHospitalShouldBeFoundByIdAndByNode() {
        // given
        Hospital hospital = register("general");

        // when
        catchUp();

        // then
        assertThat(directory().findHospital(hospital.id())).hasValueSatisfying(found -> {
            assertThat(found.node()).isEqualTo(address(hospital.node()));
            assertThat(found.status()).isEqualTo(HospitalStatus.ACTIVE);
            assertThat(found.name()).isEqualTo("general (synthetic)");
            assertThat(found.fhirBaseUrl()).isEqualTo("https://general.example/fhir");
        });
        assertThat(directory().findHospitalOfNode(address(hospital.node()))).hasValue(hospital.id());
        assertThat(directory().isActiveHospital(hospital.id())).isTrue();
        assertThat(directory().hospitalCount()).isEqualTo(admin.hospitalCount());
        assertThat(directory().findHospital(hospital.id() + 1_000)).isEmpty();
        assertThat(directory().findHospitalOfNode(address(newKey()))).isEmpty();
    }

    @Test
    void updatedAndRotatedHospitalShouldBeFoundUnderItsNewNameAndNode() {
        // given
        Hospital hospital = register("east");
        Credentials newNode = newKey();

        // when
        hospital.ledger().submit(new LedgerCall.UpdateHospital(hospital.id(), "East Wing", "https://wing.example"));
        hospital.ledger().submit(new LedgerCall.RotateNodeAddress(hospital.id(), address(newNode)));
        catchUp();

        // then
        assertThat(directory().findHospital(hospital.id())).hasValueSatisfying(found -> {
            assertThat(found.name()).isEqualTo("East Wing");
            assertThat(found.node()).isEqualTo(address(newNode));
        });
        assertThat(directory().findHospitalOfNode(address(newNode))).hasValue(hospital.id());
        assertThat(directory().findHospitalOfNode(address(hospital.node()))).isEmpty();
    }

    @Test
    void exchangeEndpointAndKeysShouldBeFoundAsTheNodeSetAndRotatedThem() {
        // given
        Hospital hospital = register("exchange");
        var signing = new HospitalExchange.PublicKey(KeyType.SECP256K1, fill(33, 2));
        var encryption = new HospitalExchange.PublicKey(KeyType.X25519, fill(32, 7));
        assertThat(directory().exchangeOf(hospital.id())).isEqualTo(HospitalExchange.NONE);

        // when
        hospital.ledger().submit(new LedgerCall.SetExchangeEndpoint("https://exchange.example/bbehr"));
        hospital.ledger().submit(new LedgerCall.SetKeys(signing, encryption));
        catchUp();

        // then
        assertThat(directory().exchangeOf(hospital.id())).isEqualTo(new HospitalExchange(
                Optional.of("https://exchange.example/bbehr"), Optional.of(signing), Optional.of(encryption)));

        // when: the node rotates its signing key
        var rotated = new HospitalExchange.PublicKey(KeyType.ED25519, fill(32, 9));
        hospital.ledger().submit(new LedgerCall.SetKeys(rotated, encryption));
        catchUp();

        // then
        assertThat(directory().exchangeOf(hospital.id()).signingKey()).contains(rotated);
        assertThat(directory().exchangeOf(hospital.id()).endpoint()).contains("https://exchange.example/bbehr");
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.SetKeys(
                new HospitalExchange.PublicKey(KeyType.X25519, fill(32, 1)), encryption)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.DIRECTORY_INVALID_KEY);
    }

    static byte[] fill(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        bytes[0] = 2;
        return bytes;
    }

    @Test
    void staffShouldBeActiveInTheirRoleUntilRemovedOrTheirHospitalSuspended() {
        // given
        Hospital hospital = register("north");
        Credentials nurse = staff(hospital, StaffRole.PRACTITIONER);
        Credentials auditor = staff(hospital, StaffRole.AUDITOR);

        // when
        catchUp();

        // then
        assertThat(directory().findStaff(address(nurse))).hasValueSatisfying(member -> {
            assertThat(member.hospitalId()).isEqualTo(hospital.id());
            assertThat(member.role()).isEqualTo(StaffRole.PRACTITIONER);
        });
        assertThat(directory().isActiveStaff(address(nurse), hospital.id(), StaffRole.PRACTITIONER)).isTrue();
        assertThat(directory().isActiveStaff(address(nurse), hospital.id(), StaffRole.AUDITOR)).isFalse();
        assertThat(directory().isActiveStaff(address(nurse), hospital.id() + 1, StaffRole.PRACTITIONER)).isFalse();

        // when
        hospital.ledger().submit(new LedgerCall.RemoveStaff(address(nurse)));
        admin.administer(new LedgerCall.SetHospitalStatus(hospital.id(), HospitalStatus.SUSPENDED));
        catchUp();

        // then
        assertThat(directory().findStaff(address(nurse))).isEmpty();
        assertThat(directory().isActiveStaff(address(nurse), hospital.id(), StaffRole.PRACTITIONER)).isFalse();
        assertThat(directory().findStaff(address(auditor))).isPresent();
        assertThat(directory().isActiveStaff(address(auditor), hospital.id(), StaffRole.AUDITOR)).isFalse();
        assertThat(directory().isActiveHospital(hospital.id())).isFalse();
        assertThat(directory().findHospital(hospital.id()).orElseThrow().status()).isEqualTo(HospitalStatus.SUSPENDED);
    }

    @Test
    void practitionerGrantShouldAuthorizeItsCategoriesUntilRevoked() {
        // given
        Hospital hospital = register("south");
        Credentials bob = staff(hospital, StaffRole.PRACTITIONER);
        Credentials alice = newKey();
        Web3jLedger aliceLedger = ledgerOf(alice);
        Grantee toBob = Grantee.practitioner(address(bob));
        assertThat(consents().grantOf(address(alice), toBob).counter()).isZero();

        // when
        Instant expiry = inOneDay();
        aliceLedger.submit(new LedgerCall.Grant(toBob, Category.scopes(Category.CONDITIONS, Category.ALLERGIES),
                Purpose.TREATMENT, expiry));
        catchUp();

        // then
        assertThat(consents().isAuthorized(address(alice), address(bob), Category.CONDITIONS)).isTrue();
        assertThat(consents().isAuthorized(address(alice), address(bob), Category.SENSITIVE)).isFalse();
        assertThat(consents().isHospitalAuthorized(address(alice), hospital.id(), Category.CONDITIONS)).isFalse();
        assertThat(consents().grantOf(address(alice), toBob)).satisfies(grant -> {
            assertThat(grant.scopes()).isEqualTo(Category.scopes(Category.CONDITIONS, Category.ALLERGIES));
            assertThat(grant.purpose()).isEqualTo(Purpose.TREATMENT);
            assertThat(grant.expiry().getEpochSecond()).isEqualTo(expiry.getEpochSecond());
            assertThat(grant.counter()).isEqualTo(1);
        });

        // when
        aliceLedger.submit(new LedgerCall.Revoke(toBob));
        catchUp();

        // then
        assertThat(consents().isAuthorized(address(alice), address(bob), Category.CONDITIONS)).isFalse();
        assertThat(consents().grantOf(address(alice), toBob)).satisfies(grant -> {
            assertThat(grant.scopes()).isZero();
            assertThat(grant.counter()).isEqualTo(1);
            assertThat(grant.revokedBefore()).isAfter(Instant.EPOCH);
        });

        // when: a cancel bumps the counter, so every unrelayed signature at the old one dies
        aliceLedger.submit(new LedgerCall.Cancel(toBob));
        catchUp();

        // then
        assertThat(consents().grantOf(address(alice), toBob).counter()).isEqualTo(2);
    }

    @Test
    void hospitalGrantShouldCoverItsActivePractitionersOnly() {
        // given
        Hospital hospital = register("west");
        Hospital other = register("other");
        Credentials bob = staff(hospital, StaffRole.PRACTITIONER);
        Credentials auditor = staff(hospital, StaffRole.AUDITOR);
        Credentials carol = staff(other, StaffRole.PRACTITIONER);
        Address otherPatient = address(newKey());
        Web3jLedger patientLedger = ledgerOf(newKey());
        Address patient = patientLedger.signer();

        // when
        patientLedger.submit(new LedgerCall.Grant(Grantee.hospital(hospital.id()), Category.scopes(Category.LABORATORY),
                Purpose.TREATMENT, inOneDay()));
        catchUp();

        // then
        assertThat(consents().isHospitalAuthorized(patient, hospital.id(), Category.LABORATORY)).isTrue();
        assertThat(consents().isHospitalAuthorized(patient, other.id(), Category.LABORATORY)).isFalse();
        assertThat(consents().isAuthorized(patient, address(bob), Category.LABORATORY)).isTrue();
        assertThat(consents().isAuthorized(patient, address(auditor), Category.LABORATORY)).isFalse();
        assertThat(consents().isAuthorized(patient, address(carol), Category.LABORATORY)).isFalse();
        assertThat(consents().isAuthorized(otherPatient, address(bob), Category.LABORATORY)).isFalse();

        // when
        hospital.ledger().submit(new LedgerCall.RemoveStaff(address(bob)));
        catchUp();

        // then
        assertThat(consents().isAuthorized(patient, address(bob), Category.LABORATORY)).isFalse();
        assertThat(consents().isHospitalAuthorized(patient, hospital.id(), Category.LABORATORY)).isTrue();

        // when
        admin.administer(new LedgerCall.SetHospitalStatus(hospital.id(), HospitalStatus.SUSPENDED));
        catchUp();

        // then
        assertThat(consents().isHospitalAuthorized(patient, hospital.id(), Category.LABORATORY)).isFalse();
    }
}
