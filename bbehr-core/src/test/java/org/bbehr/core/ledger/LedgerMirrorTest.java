package org.bbehr.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.StaffRole;
import org.junit.jupiter.api.Test;

/**
 * The mirror's own rules, on synthetic events (its agreement with the chain's views is LedgerMirrorIT's): expiry by
 * its clock, and a range delivered again ending in the same state.
 */
class LedgerMirrorTest {

    static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
    static final Address NODE = Address.of("0x00000000000000000000000000000000000000a1");
    static final Address BOB = Address.of("0x00000000000000000000000000000000000000b0");
    static final Address ALICE = Address.of("0x00000000000000000000000000000000000000a0");

    long block;

    LedgerEvent.Position next() {
        return new LedgerEvent.Position(++block, Bytes32.random(), 0);
    }

    List<LedgerEvent> bobAtHospitalOne() {
        return List.of(new LedgerEvent.HospitalRegistered(next(), 1, NODE, "St Mary's", "https://st-marys.example"),
                new LedgerEvent.StaffAdded(next(), 1, BOB, StaffRole.PRACTITIONER));
    }

    @Test
    void grantShouldLapseAtItsExpiryByTheMirrorsClock() {
        // given
        LedgerMirror before = new LedgerMirror(Clock.fixed(NOW, ZoneOffset.UTC));
        LedgerMirror after = new LedgerMirror(Clock.fixed(NOW.plusSeconds(3_600), ZoneOffset.UTC));
        List<LedgerEvent> events = new java.util.ArrayList<>(bobAtHospitalOne());
        events.add(new LedgerEvent.ConsentGranted(next(), ALICE, Grantee.practitioner(BOB),
                Category.scopes(Category.CONDITIONS), Purpose.TREATMENT, NOW.plusSeconds(3_600), 1, NOW));

        // when
        events.forEach(before);
        events.forEach(after);

        // then
        assertThat(before.isAuthorized(ALICE, BOB, Category.CONDITIONS)).isTrue();
        assertThat(after.isAuthorized(ALICE, BOB, Category.CONDITIONS)).isFalse();
        assertThat(after.grantOf(ALICE, Grantee.practitioner(BOB)).scopes()).isEqualTo(Category.CONDITIONS.bit());
    }

    @Test
    void rangeDeliveredAgainShouldEndInTheSameState() {
        // given: a grant, then its revoke, then staff removed; the feed delivers the whole range a second time
        LedgerMirror mirror = new LedgerMirror(Clock.fixed(NOW, ZoneOffset.UTC));
        List<LedgerEvent> events = new java.util.ArrayList<>(bobAtHospitalOne());
        events.add(new LedgerEvent.ConsentGranted(next(), ALICE, Grantee.hospital(1),
                Category.scopes(Category.LABORATORY), Purpose.TREATMENT, NOW.plusSeconds(86_400), 1, NOW));
        events.add(new LedgerEvent.ConsentCancelled(next(), ALICE, Grantee.hospital(1), NOW.plusSeconds(1)));
        events.add(new LedgerEvent.ConsentGranted(next(), ALICE, Grantee.practitioner(BOB),
                Category.scopes(Category.LABORATORY), Purpose.TREATMENT, NOW.plusSeconds(86_400), 1, NOW));

        // when
        events.forEach(mirror);
        events.forEach(mirror);

        // then
        assertThat(mirror.grantOf(ALICE, Grantee.hospital(1)).counter()).isEqualTo(2);
        assertThat(mirror.isHospitalAuthorized(ALICE, 1, Category.LABORATORY)).isFalse();
        assertThat(mirror.isAuthorized(ALICE, BOB, Category.LABORATORY)).isTrue();
        assertThat(mirror.hospitalCount()).isEqualTo(1);
        assertThat(mirror.lastBlock()).isEqualTo(block);
    }

    @Test
    void aRevokeShouldEndOnlyGrantsSignedAtOrBeforeItWhicheverComesFirst() {
        // given: a grant signed at NOW relayed after a revoke issued later (the revoke wins), and a grant signed
        // after a revoke relayed before it (the grant stays)
        LedgerMirror mirror = new LedgerMirror(Clock.fixed(NOW, ZoneOffset.UTC));
        Grantee hospital = Grantee.hospital(1);
        Grantee bob = Grantee.practitioner(BOB);
        List<LedgerEvent> events = new java.util.ArrayList<>(bobAtHospitalOne());
        events.add(new LedgerEvent.ConsentGranted(next(), ALICE, hospital, Category.scopes(Category.LABORATORY),
                Purpose.TREATMENT, NOW.plusSeconds(86_400), 1, NOW.minusSeconds(60)));
        events.add(new LedgerEvent.ConsentRevoked(next(), ALICE, hospital, NOW.minusSeconds(10)));
        events.add(new LedgerEvent.ConsentGranted(next(), ALICE, bob, Category.scopes(Category.LABORATORY),
                Purpose.TREATMENT, NOW.plusSeconds(86_400), 1, NOW.minusSeconds(5)));
        events.add(new LedgerEvent.ConsentRevoked(next(), ALICE, bob, NOW.minusSeconds(20)));

        // when
        events.forEach(mirror);

        // then
        assertThat(mirror.isHospitalAuthorized(ALICE, 1, Category.LABORATORY)).isFalse();
        assertThat(mirror.grantOf(ALICE, hospital).revokedBefore()).isEqualTo(NOW.minusSeconds(10));
        assertThat(mirror.isAuthorized(ALICE, BOB, Category.LABORATORY)).isTrue();
        assertThat(mirror.grantOf(ALICE, bob).revokedBefore()).isEqualTo(NOW.minusSeconds(20));
    }

    @Test
    void aLinkShouldNameTheLatestAddressOfAHospitalsPatient() {
        // given
        LedgerMirror mirror = new LedgerMirror(Clock.fixed(NOW, ZoneOffset.UTC));
        Bytes32 patient = Bytes32.random();
        Address next = Address.of("0x00000000000000000000000000000000000000a2");
        // when
        mirror.accept(new LedgerEvent.PatientLinked(next(), 1, patient, ALICE, java.util.Optional.empty(), 1));
        mirror.accept(new LedgerEvent.PatientLinked(next(), 1, patient, next, java.util.Optional.of(ALICE), 2));
        // then
        assertThat(mirror.linkOf(1, patient).patient()).contains(next);
        assertThat(mirror.linkOf(1, patient).counter()).isEqualTo(2);
        assertThat(mirror.linkOf(2, patient).patient()).isEmpty();
    }
}
