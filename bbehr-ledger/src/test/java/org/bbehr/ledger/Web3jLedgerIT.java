package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bbehr.ledger.Fixtures.address;
import static org.bbehr.ledger.Fixtures.newKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.consent.SignedConsent;
import org.bbehr.core.consent.SignedLink;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.ledger.LedgerRevertException;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.ledger.TransactionOutcome;
import org.bbehr.core.record.Anchor;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;

/** The web3j ledger against a real anvil chain with the real contracts. */
class Web3jLedgerIT {

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

    /** A hospital registered through the consortium's timelock, with its node's ledger. */
    record TestHospital(int id, Credentials node, Web3jLedger ledger) {}

    static TestHospital stMarys() {
        Credentials node = newKey();
        TransactionOutcome outcome = admin.administer(
                new LedgerCall.RegisterHospital(address(node), "St Mary's (synthetic)", "https://st-marys.example/fhir"));
        int id = outcome.event(LedgerEvent.HospitalRegistered.class).hospitalId();
        return new TestHospital(id, node, ledgerOf(node));
    }

    static Credentials drBob(TestHospital hospital) {
        Credentials bob = newKey();
        hospital.ledger().submit(new LedgerCall.AddStaff(address(bob), StaffRole.PRACTITIONER));
        return bob;
    }

    static Instant inOneDay() {
        return Instant.now().plus(Duration.ofDays(1));
    }

    @Test
    void registerHospitalShouldGoThroughTheTimelockAndBeFoundByIdAndNode() {
        // given
        Credentials node = newKey();
        // when
        TransactionOutcome outcome = admin.administer(
                new LedgerCall.RegisterHospital(address(node), "General (synthetic)", "https://general.example/fhir"));
        // then
        var registered = outcome.event(LedgerEvent.HospitalRegistered.class);
        assertThat(registered.node()).isEqualTo(address(node));
        var hospital = admin.findHospital(registered.hospitalId()).orElseThrow();
        assertThat(hospital.status()).isEqualTo(HospitalStatus.ACTIVE);
        assertThat(hospital.fhirBaseUrl()).isEqualTo("https://general.example/fhir");
        assertThat(admin.findHospitalOfNode(address(node))).hasValue(registered.hospitalId());
        assertThat(admin.isActiveHospital(registered.hospitalId())).isTrue();
        assertThat(admin.hospitalCount()).isGreaterThanOrEqualTo(registered.hospitalId());
    }

    @Test
    void registerHospitalShouldBeRefusedWithItsCodeForAStranger() {
        // given
        Web3jLedger stranger = ledgerOf(newKey());
        // when / then
        assertThatThrownBy(() -> stranger.submit(new LedgerCall.RegisterHospital(address(newKey()), "X", "https://x")))
                .isInstanceOfSatisfying(LedgerRevertException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DIRECTORY_UNAUTHORIZED);
                    assertThat(e.errorName()).isEqualTo("HospitalDirectoryUnauthorized");
                    assertThat(e.arguments()).containsExactly(stranger.signer().value());
                });
    }

    @Test
    void nodeShouldAddAndRemoveItsStaff() {
        // given
        TestHospital hospital = stMarys();
        Credentials nurse = newKey();
        // when
        hospital.ledger().submit(new LedgerCall.AddStaff(address(nurse), StaffRole.PRACTITIONER));
        // then
        assertThat(admin.findStaff(address(nurse))).hasValueSatisfying(s -> {
            assertThat(s.hospitalId()).isEqualTo(hospital.id());
            assertThat(s.role()).isEqualTo(StaffRole.PRACTITIONER);
        });
        assertThat(admin.isActiveStaff(address(nurse), hospital.id(), StaffRole.PRACTITIONER)).isTrue();
        // when
        var removed = hospital.ledger().submit(new LedgerCall.RemoveStaff(address(nurse)));
        // then
        assertThat(removed.event(LedgerEvent.StaffRemoved.class).staff()).isEqualTo(address(nurse));
        assertThat(admin.findStaff(address(nurse))).isEmpty();
    }

    @Test
    void nodeShouldUpdateItsHospitalAndRotateItsKey() {
        // given
        TestHospital hospital = stMarys();
        Credentials newNode = newKey();
        // when
        hospital.ledger().submit(new LedgerCall.UpdateHospital(hospital.id(), "St Mary's East", "https://east.example"));
        hospital.ledger().submit(new LedgerCall.RotateNodeAddress(hospital.id(), address(newNode)));
        // then
        assertThat(admin.findHospital(hospital.id()).orElseThrow().name()).isEqualTo("St Mary's East");
        assertThat(admin.findHospitalOfNode(address(newNode))).hasValue(hospital.id());
        assertThat(admin.findHospitalOfNode(address(hospital.node()))).isEmpty();
        assertThatThrownBy(() -> hospital.ledger().submit(anchorCall(Bytes32.random())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.ANCHOR_UNAUTHORIZED);
        assertThat(ledgerOf(newNode).submit(anchorCall(Bytes32.random())).events()).hasSize(1);
    }

    @Test
    void suspendedHospitalShouldLoseItsPowers() {
        // given
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        Address alice = address(newKey());
        // when
        admin.administer(new LedgerCall.SetHospitalStatus(hospital.id(), HospitalStatus.SUSPENDED));
        // then
        assertThat(admin.isActiveHospital(hospital.id())).isFalse();
        assertThatThrownBy(() -> hospital.ledger().submit(anchorCall(Bytes32.random())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.ANCHOR_UNAUTHORIZED);
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.AddStaff(address(newKey()), StaffRole.AUDITOR)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.DIRECTORY_HOSPITAL_NOT_ACTIVE);
        assertThatThrownBy(() -> ledgerOf(bob).submit(new LedgerCall.EmergencyAccess(alice, Bytes32.random())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_UNAUTHORIZED);
    }

    @Test
    void patientGrantShouldAuthorizeItsCategoriesUntilRevoked() {
        // given
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        Credentials alice = newKey();
        Web3jLedger aliceLedger = ledgerOf(alice);
        long scopes = Category.scopes(Category.CONDITIONS, Category.ALLERGIES);
        // when
        var granted = aliceLedger.submit(new LedgerCall.Grant(
                Grantee.practitioner(address(bob)), scopes, Purpose.TREATMENT, inOneDay()));
        // then
        assertThat(granted.event(LedgerEvent.ConsentGranted.class).grantee()).isEqualTo(Grantee.practitioner(address(bob)));
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.CONDITIONS)).isTrue();
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.SENSITIVE)).isFalse();
        assertThat(admin.grantOf(address(alice), Grantee.practitioner(address(bob))).counter()).isEqualTo(1);
        // when
        aliceLedger.submit(new LedgerCall.Revoke(Grantee.practitioner(address(bob))));
        // then
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.CONDITIONS)).isFalse();
        assertThat(admin.grantOf(address(alice), Grantee.practitioner(address(bob))).scopes()).isZero();
    }

    @Test
    void hospitalGrantShouldCoverItsActivePractitioners() {
        // given
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        Credentials alice = newKey();
        // when
        ledgerOf(alice).submit(new LedgerCall.Grant(Grantee.hospital(hospital.id()),
                Category.scopes(Category.LABORATORY), Purpose.TREATMENT, inOneDay()));
        // then
        assertThat(admin.isHospitalAuthorized(address(alice), hospital.id(), Category.LABORATORY)).isTrue();
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.LABORATORY)).isTrue();
        // when
        hospital.ledger().submit(new LedgerCall.RemoveStaff(address(bob)));
        // then
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.LABORATORY)).isFalse();
    }

    @Test
    void signedGrantShouldBeRelayedByANodeOnceAndItsReplayRefused() {
        // given
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        Credentials alice = newKey();
        var signed = signGrant(alice, Grantee.practitioner(address(bob)), Category.scopes(Category.MEDICATIONS), 0,
                Instant.now());
        // when
        hospital.ledger().submit(new LedgerCall.Relay(signed));
        // then
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.MEDICATIONS)).isTrue();
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(signed)))
                .isInstanceOfSatisfying(LedgerRevertException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_STALE_COUNTER);
                    assertThat(e.arguments()).containsExactly(address(alice).value(),
                            Grantee.practitioner(address(bob)).key(), 1L, 0L);
                });
        assertThatThrownBy(() -> ledgerOf(newKey()).submit(new LedgerCall.Relay(signed)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_UNAUTHORIZED);
    }

    SignedConsent.Grant signGrant(Credentials patient, Grantee grantee, long scopes, long counter, Instant issuedAt) {
        var unsigned = new SignedConsent.Grant(address(patient), grantee, scopes, Purpose.TREATMENT, inOneDay(),
                counter, issuedAt, issuedAt.plusSeconds(600), new byte[0]);
        return new SignedConsent.Grant(unsigned.patient(), grantee, scopes, unsigned.purpose(), unsigned.expiry(),
                counter, issuedAt, unsigned.deadline(), Fixtures.signDigest(patient, admin.digestOf(unsigned)));
    }

    SignedConsent.Revoke signRevoke(Credentials patient, Grantee grantee, Instant issuedAt) {
        var unsigned = new SignedConsent.Revoke(address(patient), grantee, issuedAt, issuedAt.plusSeconds(600),
                new byte[0]);
        return new SignedConsent.Revoke(unsigned.patient(), grantee, issuedAt, unsigned.deadline(),
                Fixtures.signDigest(patient, admin.digestOf(unsigned)));
    }

    SignedConsent.Cancel signCancel(Credentials patient, Grantee grantee, Instant issuedAt) {
        var unsigned = new SignedConsent.Cancel(address(patient), grantee, issuedAt, issuedAt.plusSeconds(600),
                new byte[0]);
        return new SignedConsent.Cancel(unsigned.patient(), grantee, issuedAt, unsigned.deadline(),
                Fixtures.signDigest(patient, admin.digestOf(unsigned)));
    }

    @Test
    void signedRevokeShouldBeRelayedByAnyone() {
        // given
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        Credentials alice = newKey();
        ledgerOf(alice).submit(new LedgerCall.Grant(Grantee.practitioner(address(bob)),
                Category.scopes(Category.VITAL_SIGNS), Purpose.TREATMENT, inOneDay()));
        Instant issuedAt = Instant.now().plusSeconds(2);
        // when
        var outcome = ledgerOf(newKey()).submit(new LedgerCall.Relay(
                signRevoke(alice, Grantee.practitioner(address(bob)), issuedAt)));
        // then
        var revoked = outcome.event(LedgerEvent.ConsentRevoked.class);
        assertThat(revoked.revokedBefore()).isEqualTo(Instant.ofEpochSecond(issuedAt.getEpochSecond())
                .plus(java.time.Duration.ofMinutes(5)));
        assertThat(admin.grantOf(address(alice), Grantee.practitioner(address(bob))).counter()).isEqualTo(1);
        assertThat(admin.isAuthorized(address(alice), address(bob), Category.VITAL_SIGNS)).isFalse();
    }

    @Test
    void aRevokeShouldEndAGrantAHospitalRelayedJustBeforeItAndKeepItFromComingBack() {
        // given: alice signed a grant to the hospital, then (before it was relayed) a revoke of it; the hospital
        // sees the revoke coming and relays the grant first (with the first contracts the revoke then failed as stale)
        TestHospital hospital = stMarys();
        Credentials alice = newKey();
        Grantee toHospital = Grantee.hospital(hospital.id());
        Instant signedAt = Instant.now().minusSeconds(30);
        var grant = signGrant(alice, toHospital, Category.scopes(Category.LABORATORY), 0, signedAt);
        var revoke = signRevoke(alice, toHospital, signedAt.plusSeconds(10));
        hospital.ledger().submit(new LedgerCall.Relay(grant));
        assertThat(admin.isHospitalAuthorized(address(alice), hospital.id(), Category.LABORATORY)).isTrue();
        // when
        ledgerOf(newKey()).submit(new LedgerCall.Relay(revoke));
        // then: the grant is gone, and neither it nor another grant signed before the revoke can be relayed again
        assertThat(admin.isHospitalAuthorized(address(alice), hospital.id(), Category.LABORATORY)).isFalse();
        var older = signGrant(alice, toHospital, Category.scopes(Category.LABORATORY), 1, signedAt.plusSeconds(5));
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(older)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_REVOKED_BEFORE);
        // a grant dated within the revoke's clock skew (5 minutes) is refused too; one dated past it relays
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(
                signGrant(alice, toHospital, Category.scopes(Category.LABORATORY), 1, signedAt.plusSeconds(20)))))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_REVOKED_BEFORE);
        hospital.ledger().submit(new LedgerCall.Relay(
                signGrant(alice, toHospital, Category.scopes(Category.LABORATORY), 1, signedAt.plusSeconds(311))));
        assertThat(admin.isHospitalAuthorized(address(alice), hospital.id(), Category.LABORATORY)).isTrue();
    }

    @Test
    void aCancelShouldKillAnUnrelayedGrantSignatureThoughNoGrantWasEverRelayed() {
        // given: a signed grant the hospital holds and has not relayed; alice has no chain account of her own
        TestHospital hospital = stMarys();
        Credentials alice = newKey();
        Grantee toHospital = Grantee.hospital(hospital.id());
        var held = signGrant(alice, toHospital, Category.scopes(Category.DOCUMENTS), 0, Instant.now());
        // when: anyone relays her signed cancel
        var cancelled = ledgerOf(newKey()).submit(new LedgerCall.Relay(
                signCancel(alice, toHospital, Instant.now().plusSeconds(1))));
        // then
        assertThat(cancelled.event(LedgerEvent.ConsentCancelled.class).patient()).isEqualTo(address(alice));
        assertThat(admin.grantOf(address(alice), toHospital).counter()).isEqualTo(1);
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(held)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_STALE_COUNTER);
        assertThat(admin.isHospitalAuthorized(address(alice), hospital.id(), Category.DOCUMENTS)).isFalse();
    }

    @Test
    void aSignatureLivingLongerThanThirtyDaysOrIssuedInTheFutureShouldBeRefused() {
        // given
        TestHospital hospital = stMarys();
        Credentials alice = newKey();
        Grantee toHospital = Grantee.hospital(hospital.id());
        Instant now = Instant.now();
        var unsigned = new SignedConsent.Grant(address(alice), toHospital, Category.scopes(Category.DOCUMENTS),
                Purpose.TREATMENT, inOneDay(), 0, now, now.plus(SignedConsent.MAX_LIFETIME).plusSeconds(60),
                new byte[0]);
        var bearer = new SignedConsent.Grant(unsigned.patient(), toHospital, unsigned.scopes(), unsigned.purpose(),
                unsigned.expiry(), 0, now, unsigned.deadline(), Fixtures.signDigest(alice, admin.digestOf(unsigned)));
        // when / then
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(bearer)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_SIGNATURE_LIFETIME);
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(signGrant(alice, toHospital,
                Category.scopes(Category.DOCUMENTS), 0, now.plusSeconds(3_600)))))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_SIGNATURE_LIFETIME);
    }

    @Test
    void aGrantToAGranteeTheDirectoryDoesNotKnowShouldBeRefused() {
        // given
        TestHospital hospital = stMarys();
        Web3jLedger alice = ledgerOf(newKey());
        // when / then
        assertThatThrownBy(() -> alice.submit(new LedgerCall.Grant(Grantee.practitioner(address(newKey())),
                Category.scopes(Category.DOCUMENTS), Purpose.TREATMENT, inOneDay())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_UNKNOWN_GRANTEE);
        assertThatThrownBy(() -> alice.submit(new LedgerCall.Grant(Grantee.hospital(admin.hospitalCount() + 1),
                Category.scopes(Category.DOCUMENTS), Purpose.TREATMENT, inOneDay())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_UNKNOWN_GRANTEE);
        alice.submit(new LedgerCall.Grant(Grantee.hospital(hospital.id()), Category.scopes(Category.DOCUMENTS),
                Purpose.TREATMENT, inOneDay()));
    }

    @Test
    void aLinkShouldBeRelayedByTheHospitalsNodeAndARelinkShouldNeedTheOldAddress() {
        // given
        TestHospital hospital = stMarys();
        Credentials first = newKey();
        Credentials second = newKey();
        Bytes32 patientIdHash = Bytes32.random();
        Instant now = Instant.now();
        var unsigned = new SignedLink(address(first), hospital.id(), patientIdHash, 0, now, now.plusSeconds(600),
                new byte[0], new byte[0]);
        var link = new SignedLink(address(first), hospital.id(), patientIdHash, 0, now, unsigned.deadline(),
                Fixtures.signDigest(first, admin.digestOf(unsigned)), new byte[0]);
        // when
        var linked = hospital.ledger().submit(new LedgerCall.RelayLink(link));
        // then
        assertThat(linked.event(LedgerEvent.PatientLinked.class).patient()).isEqualTo(address(first));
        assertThat(admin.linkOf(hospital.id(), patientIdHash).patient()).contains(address(first));
        // a re-link to another address needs the first address's signature too
        var relink = new SignedLink(address(second), hospital.id(), patientIdHash, 1, now, now.plusSeconds(600),
                new byte[0], new byte[0]);
        Bytes32 digest = admin.digestOf(relink);
        var withoutOld = new SignedLink(relink.patient(), hospital.id(), patientIdHash, 1, now, relink.deadline(),
                Fixtures.signDigest(second, digest), new byte[0]);
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.RelayLink(withoutOld)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_INVALID_SIGNATURE);
        assertThatThrownBy(() -> ledgerOf(newKey()).submit(new LedgerCall.RelayLink(withoutOld)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_UNAUTHORIZED);
        hospital.ledger().submit(new LedgerCall.RelayLink(new SignedLink(relink.patient(), hospital.id(),
                patientIdHash, 1, now, relink.deadline(), Fixtures.signDigest(second, digest),
                Fixtures.signDigest(first, digest))));
        assertThat(admin.linkOf(hospital.id(), patientIdHash).patient()).contains(address(second));
        assertThat(admin.linkOf(hospital.id(), patientIdHash).counter()).isEqualTo(2);
    }

    @Test
    void signatureByAnotherKeyShouldBeRefused() {
        // given
        TestHospital hospital = stMarys();
        Credentials alice = newKey();
        Credentials mallory = newKey();
        var unsigned = new SignedConsent.Grant(address(alice), Grantee.hospital(hospital.id()),
                Category.scopes(Category.DOCUMENTS), Purpose.TREATMENT, inOneDay(), 0, Instant.now(),
                Instant.now().plusSeconds(600), new byte[0]);
        byte[] forged = Fixtures.signDigest(mallory, admin.digestOf(unsigned));
        // when / then
        assertThatThrownBy(() -> hospital.ledger().submit(new LedgerCall.Relay(new SignedConsent.Grant(
                unsigned.patient(), unsigned.grantee(), unsigned.scopes(), unsigned.purpose(), unsigned.expiry(), 0,
                unsigned.issuedAt(), unsigned.deadline(), forged))))
                .isInstanceOfSatisfying(LedgerRevertException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_INVALID_SIGNATURE);
                    assertThat(e.arguments()).containsExactly(address(alice).value(), address(mallory).value());
                });
    }

    @Test
    void emergencyAccessShouldBeDeclaredByAPractitioner() {
        // given
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        Address alice = address(newKey());
        byte[] salt = Bytes32.random().toArray();
        Bytes32 reason = org.bbehr.core.crypto.Keccak.hash(salt, "unconscious in ER".getBytes(StandardCharsets.UTF_8));
        // when
        var outcome = ledgerOf(bob).submit(new LedgerCall.EmergencyAccess(alice, reason));
        // then
        var declared = outcome.event(LedgerEvent.EmergencyAccessDeclared.class);
        assertThat(declared.patient()).isEqualTo(alice);
        assertThat(declared.practitioner()).isEqualTo(address(bob));
        assertThat(declared.hospitalId()).isEqualTo(hospital.id());
        assertThat(declared.saltedReasonHash()).isEqualTo(reason);
        assertThat(declared.count()).isEqualTo(1);
    }

    @Test
    void emergencyAccessShouldBeLimitedPerPractitionerPerDay() {
        // given: a practitioner who declared break-glass ten times today
        TestHospital hospital = stMarys();
        Web3jLedger bob = ledgerOf(drBob(hospital));
        for (int i = 0; i < 10; i++) {
            bob.submit(new LedgerCall.EmergencyAccess(address(newKey()), Bytes32.random()));
        }
        // when / then
        assertThatThrownBy(() -> bob.submit(new LedgerCall.EmergencyAccess(address(newKey()), Bytes32.random())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.CONSENT_EMERGENCY_LIMIT);
        Web3jLedger carol = ledgerOf(drBob(hospital));
        assertThat(carol.submit(new LedgerCall.EmergencyAccess(address(newKey()), Bytes32.random()))
                .event(LedgerEvent.EmergencyAccessDeclared.class).count()).isEqualTo(1);
    }

    @Test
    void anchoredRootShouldVerifyEveryLeafAndRefuseWrongProofsAndDuplicates() {
        // given
        TestHospital hospital = stMarys();
        List<Bytes32> leaves = IntStream.range(0, 5).mapToObj(i -> Bytes32.random()).toList();
        MerkleTree tree = new MerkleTree(leaves);
        // when
        var outcome = hospital.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size()));
        // then
        LedgerEvent.RootAnchored event = outcome.event(LedgerEvent.RootAnchored.class);
        assertThat(event.leafCount()).isEqualTo(5);
        assertThat(event.hospitalId()).isEqualTo(hospital.id());
        assertThat(event.root()).isEqualTo(tree.root());
        for (int i = 0; i < leaves.size(); i++) {
            Anchor anchor = admin.verify(hospital.id(), tree.root(), tree.proof(i), leaves.get(i));
            assertThat(anchor.hospitalId()).isEqualTo(hospital.id());
            assertThat(anchor.leafCount()).isEqualTo(5);
        }
        assertThat(admin.findAnchor(hospital.id(), tree.root())).isPresent();
        assertThat(admin.findAnchor(hospital.id() + 1, tree.root())).isEmpty();
        assertThatThrownBy(() -> admin.verify(hospital.id(), tree.root(), tree.proof(0), leaves.get(1)))
                .hasFieldOrPropertyWithValue("code", ErrorCode.ANCHOR_INVALID_PROOF);
        Bytes32 unknown = Bytes32.random();
        assertThatThrownBy(() -> admin.verify(hospital.id(), unknown, List.of(), leaves.get(0)))
                .isInstanceOfSatisfying(LedgerRevertException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ANCHOR_UNKNOWN_ROOT);
                    assertThat(e.arguments()).containsExactly((long) hospital.id(), unknown.toHex());
                });
        assertThatThrownBy(() -> hospital.ledger().submit(anchorCall(tree.root())))
                .hasFieldOrPropertyWithValue("code", ErrorCode.ANCHOR_ROOT_EXISTS);
        assertThat(admin.findAnchor(hospital.id(), Bytes32.random())).isEmpty();
    }

    @Test
    void signShouldGiveBytesAndHashBeforeAnythingIsSent() {
        // given
        TestHospital hospital = stMarys();
        // when
        SignedTransaction signed = hospital.ledger().sign(anchorCall(Bytes32.random()));
        // then
        assertThat(signed.raw()).isNotEmpty();
        assertThat(hospital.ledger().isKnown(signed.hash())).isFalse();
        assertThat(hospital.ledger().findOutcome(signed.hash())).isEmpty();
        // when
        TransactionOutcome outcome = hospital.ledger().send(signed);
        // then
        assertThat(outcome.hash()).isEqualTo(signed.hash());
        assertThat(hospital.ledger().findOutcome(signed.hash())).hasValueSatisfying(
                found -> assertThat(found.blockNumber()).isEqualTo(outcome.blockNumber()));
        // re-sending the same bytes later is harmless
        assertThat(hospital.ledger().send(signed).hash()).isEqualTo(signed.hash());
    }

    @Test
    void concurrentCallersShouldEachGetTheirOwnNonce() throws Exception {
        // given
        TestHospital hospital = stMarys();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<TransactionOutcome>> results = new ArrayList<>();
        // when
        try {
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> hospital.ledger().submit(anchorCall(Bytes32.random()))));
            }
            Set<Bytes32> hashes = new HashSet<>();
            for (Future<TransactionOutcome> result : results) {
                hashes.add(result.get().hash());
            }
            // then
            assertThat(hashes).hasSize(40);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sendShouldWaitForTheConfiguredConfirmations() throws Exception {
        // given
        TestHospital hospital = stMarys();
        Web3jLedger patient = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()).withConfirmations(3),
                hospital.node(), chain.deployment());
        Fixtures.AnvilControl anvil = new Fixtures.AnvilControl(chain.rpcUrl());
        SignedTransaction signed = patient.sign(anchorCall(Bytes32.random()));
        // when
        CompletableFuture<TransactionOutcome> sent = CompletableFuture.supplyAsync(() -> patient.send(signed));
        while (patient.findOutcome(signed.hash()).isEmpty()) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        // then
        assertThat(sent).isNotDone();
        // when
        anvil.mine(2);
        TransactionOutcome outcome = sent.get();
        // then
        assertThat(patient.blockNumber()).isGreaterThanOrEqualTo(outcome.blockNumber() + 2);
    }

    @Test
    void confirmationsShouldTimeOutWhenTheChainStopsMakingBlocks() throws Exception {
        // given: three confirmations asked of a chain that mines only when a transaction comes
        TestHospital hospital = stMarys();
        Web3jLedger node = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()).withConfirmations(3)
                .withReceiptTimeout(Duration.ofSeconds(1)), hospital.node(), chain.deployment());
        SignedTransaction signed = node.sign(anchorCall(Bytes32.random()));
        // when
        CompletableFuture<TransactionOutcome> sent = CompletableFuture.supplyAsync(() -> node.send(signed));
        try {
            // then
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BbehrException.class)
                    .satisfies(e -> assertThat(((BbehrException) e).code()).isEqualTo(ErrorCode.LEDGER_TIMEOUT))
                    .hasMessageContaining("confirmations");
            assertThat(node.findOutcome(signed.hash())).isPresent();
        } finally {
            new Fixtures.AnvilControl(chain.rpcUrl()).mine(2);
        }
    }

    @Test
    void droppedTransactionShouldBeSentAgainWithTheSameBytes() throws Exception {
        // given
        TestHospital hospital = stMarys();
        Web3jLedger node = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl())
                .withResendInterval(Duration.ofMillis(200)), hospital.node(), chain.deployment());
        Fixtures.AnvilControl anvil = new Fixtures.AnvilControl(chain.rpcUrl());
        SignedTransaction signed = node.sign(anchorCall(Bytes32.random()));
        anvil.setAutomine(false);
        try {
            CompletableFuture<TransactionOutcome> sent = CompletableFuture.supplyAsync(() -> node.send(signed));
            awaitKnown(node, signed.hash(), true);
            // when
            anvil.drop(signed.hash());
            // then
            awaitKnown(node, signed.hash(), false);
            awaitKnown(node, signed.hash(), true);
            anvil.mine(1);
            assertThat(sent.get().hash()).isEqualTo(signed.hash());
        } finally {
            anvil.setAutomine(true);
        }
    }

    @Test
    void readEventsShouldReturnTheContractsEventsInChainOrder() {
        // given
        long from = admin.blockNumber() + 1;
        TestHospital hospital = stMarys();
        Credentials bob = drBob(hospital);
        hospital.ledger().submit(anchorCall(Bytes32.random()));
        // when
        List<LedgerEvent> events = admin.readEvents(from, admin.blockNumber());
        // then
        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsSubsequence("HospitalRegistered", "StaffAdded", "RootAnchored");
        assertThat(events).filteredOn(LedgerEvent.StaffAdded.class::isInstance)
                .extracting(e -> ((LedgerEvent.StaffAdded) e).staff()).contains(address(bob));
        assertThat(events).isSortedAccordingTo((a, b) -> Long.compare(a.position().blockNumber(), b.position().blockNumber()));
    }

    static LedgerCall anchorCall(Bytes32 root) {
        return new LedgerCall.AnchorRoot(root, 1);
    }

    static void awaitKnown(Web3jLedger ledger, Bytes32 hash, boolean known) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ledger.isKnown(hash) != known) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("transaction " + hash + " never became " + (known ? "known" : "unknown"));
            }
            Thread.sleep(20);
        }
    }
}
