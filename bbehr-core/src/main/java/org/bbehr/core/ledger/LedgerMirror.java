package org.bbehr.core.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.ConsentGrant;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.PatientLink;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.Hospital;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.StaffMember;
import org.bbehr.core.directory.StaffRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory and the consents as the contracts' events build them, so that a look-up costs no call to the chain.
 * It is fed through an {@link EventFeed} (events in chain order, confirmed blocks only) and answers as the contracts'
 * views would at the last block it was given; expiries are judged by the clock, as the contract judges them by the
 * block's time. A range of events delivered again in order (the feed delivers at least once) ends in the same state:
 * each pair's state changes as the contract's does and remembers the event that changed it last, so an event seen
 * before changes nothing. It lives in memory,
 * so a node builds it from the deployment block at start ({@link #follow}).
 */
public final class LedgerMirror implements Directory, ConsentLedger, Consumer<LedgerEvent> {

    private static final Logger log = LoggerFactory.getLogger(LedgerMirror.class);

    private static final ConsentGrant NONE = new ConsentGrant(0, Purpose.fromCode(0), Instant.EPOCH, 0,
            Instant.EPOCH, Instant.EPOCH);

    private static final PatientLink NO_LINK = new PatientLink(Optional.empty(), 0, Instant.EPOCH);

    private final Clock clock;
    private final Map<Integer, Hospital> hospitals = new ConcurrentHashMap<>();
    private final Map<Address, Integer> hospitalOfNode = new ConcurrentHashMap<>();
    private final Map<Address, StaffMember> staff = new ConcurrentHashMap<>();
    private final Map<GrantKey, Pair> grants = new ConcurrentHashMap<>();
    private final Map<LinkKey, PatientLink> links = new ConcurrentHashMap<>();
    private final Map<Integer, HospitalExchange> exchanges = new ConcurrentHashMap<>();
    private volatile long lastBlock = -1;

    private record GrantKey(Address patient, Grantee grantee) {}

    /** A pair's state and the event that set it last, so an event delivered again changes nothing. */
    private record Pair(ConsentGrant grant, LedgerEvent.Position at) {}

    private record LinkKey(int hospitalId, Bytes32 patientIdHash) {}

    public LedgerMirror(Clock clock) {
        this.clock = clock;
    }

    /**
     * Follows the chain on its own thread: reads the feed until the confirmed head, then every {@code tick}; a failing
     * chain is retried after the tick, the mirror answering meanwhile from what it has.
     */
    public AutoCloseable follow(EventFeed feed, Duration tick) {
        Thread thread = Thread.ofPlatform().daemon().name("ledger-mirror").start(() -> {
            String lastFailure = null;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    feed.catchUp(this);
                    lastFailure = null;
                } catch (RuntimeException e) {
                    if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                        log.warn("following the chain's events failed, will retry: {}", e.getMessage());
                    }
                    lastFailure = String.valueOf(e.getMessage());
                }
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return () -> {
            thread.interrupt();
            thread.join(10_000);
        };
    }

    /** The block of the last event applied, or -1 before any. */
    public long lastBlock() {
        return lastBlock;
    }

    @Override
    public synchronized void accept(LedgerEvent event) {
        switch (event) {
            case LedgerEvent.HospitalRegistered e -> {
                hospitals.put(e.hospitalId(), new Hospital(e.hospitalId(), e.node(), HospitalStatus.ACTIVE, e.name(),
                        e.fhirBaseUrl()));
                hospitalOfNode.put(e.node(), e.hospitalId());
            }
            case LedgerEvent.HospitalUpdated e -> hospitals.computeIfPresent(e.hospitalId(),
                    (id, h) -> new Hospital(id, h.node(), h.status(), e.name(), e.fhirBaseUrl()));
            case LedgerEvent.HospitalStatusChanged e -> hospitals.computeIfPresent(e.hospitalId(),
                    (id, h) -> new Hospital(id, h.node(), e.status(), h.name(), h.fhirBaseUrl()));
            case LedgerEvent.NodeAddressRotated e -> {
                hospitalOfNode.remove(e.previousNode());
                hospitalOfNode.put(e.newNode(), e.hospitalId());
                hospitals.computeIfPresent(e.hospitalId(),
                        (id, h) -> new Hospital(id, e.newNode(), h.status(), h.name(), h.fhirBaseUrl()));
            }
            case LedgerEvent.StaffAdded e -> staff.put(e.staff(), new StaffMember(e.staff(), e.hospitalId(), e.role()));
            case LedgerEvent.StaffRemoved e -> staff.remove(e.staff());
            case LedgerEvent.ExchangeEndpointSet e -> exchanges.compute(e.hospitalId(), (id, old) -> {
                HospitalExchange was = old == null ? HospitalExchange.NONE : old;
                return new HospitalExchange(Optional.of(e.endpoint()), was.signingKey(), was.encryptionKey());
            });
            case LedgerEvent.HospitalKeysSet e -> exchanges.compute(e.hospitalId(), (id, old) -> new HospitalExchange(
                    (old == null ? HospitalExchange.NONE : old).endpoint(), Optional.of(e.signingKey()),
                    Optional.of(e.encryptionKey())));
            case LedgerEvent.ConsentGranted e -> apply(new GrantKey(e.patient(), e.grantee()), e.position(),
                    old -> new ConsentGrant(e.scopes(), e.purpose(), e.expiry(), e.counter(), e.grantedAt(),
                            old.revokedBefore()));
            case LedgerEvent.ConsentRevoked e -> apply(new GrantKey(e.patient(), e.grantee()), e.position(),
                    old -> revoked(old, e.revokedBefore(), old.counter()));
            case LedgerEvent.ConsentCancelled e -> apply(new GrantKey(e.patient(), e.grantee()), e.position(),
                    old -> revoked(old, e.revokedBefore(), old.counter() + 1));
            case LedgerEvent.PatientLinked e -> links.put(new LinkKey(e.hospitalId(), e.patientIdHash()),
                    new PatientLink(Optional.of(e.patient()), e.counter(), Instant.EPOCH));
            case LedgerEvent.EmergencyAccessDeclared e -> { }
            case LedgerEvent.RootAnchored e -> { }
            case LedgerEvent.ProposalMade e -> { }
            case LedgerEvent.ProposalApproved e -> { }
            case LedgerEvent.ProposalExecuted e -> { }
        }
        lastBlock = Math.max(lastBlock, event.position().blockNumber());
    }

    /** Applies an event to its pair as the contract does, unless the pair has seen it (or a later one) already. */
    private void apply(GrantKey key, LedgerEvent.Position at, UnaryOperator<ConsentGrant> change) {
        grants.compute(key, (k, old) -> {
            if (old != null && !isAfter(at, old.at())) {
                return old;
            }
            return new Pair(change.apply(old == null ? NONE : old.grant()), at);
        });
    }

    private static boolean isAfter(LedgerEvent.Position a, LedgerEvent.Position b) {
        return a.blockNumber() != b.blockNumber() ? a.blockNumber() > b.blockNumber() : a.logIndex() > b.logIndex();
    }

    /** A revoke or cancel covering until {@code covers}: ends a grant signed at or before it, remembers it. */
    private static ConsentGrant revoked(ConsentGrant old, Instant covers, long counter) {
        boolean ends = old.scopes() != 0 && !old.grantedAt().isAfter(covers);
        Instant before = covers.isAfter(old.revokedBefore()) ? covers : old.revokedBefore();
        return ends ? new ConsentGrant(0, NONE.purpose(), NONE.expiry(), counter, old.grantedAt(), before)
                : new ConsentGrant(old.scopes(), old.purpose(), old.expiry(), counter, old.grantedAt(), before);
    }

    @Override
    public HospitalExchange exchangeOf(int hospitalId) {
        return exchanges.getOrDefault(hospitalId, HospitalExchange.NONE);
    }

    @Override
    public Optional<Hospital> findHospital(int hospitalId) {
        return Optional.ofNullable(hospitals.get(hospitalId));
    }

    @Override
    public int hospitalCount() {
        return hospitals.size();
    }

    @Override
    public OptionalInt findHospitalOfNode(Address node) {
        Integer id = hospitalOfNode.get(node);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public boolean isActiveHospital(int hospitalId) {
        Hospital hospital = hospitals.get(hospitalId);
        return hospital != null && hospital.isActive();
    }

    @Override
    public Optional<StaffMember> findStaff(Address address) {
        return Optional.ofNullable(staff.get(address));
    }

    @Override
    public boolean isActiveStaff(Address address, int hospitalId, StaffRole role) {
        StaffMember member = staff.get(address);
        return member != null && role != StaffRole.NONE && member.hospitalId() == hospitalId && member.role() == role
                && isActiveHospital(hospitalId);
    }

    @Override
    public ConsentGrant grantOf(Address patient, Grantee grantee) {
        Pair pair = grants.get(new GrantKey(patient, grantee));
        return pair == null ? NONE : pair.grant();
    }

    @Override
    public PatientLink linkOf(int hospitalId, Bytes32 patientIdHash) {
        return links.getOrDefault(new LinkKey(hospitalId, patientIdHash), NO_LINK);
    }

    @Override
    public boolean isAuthorized(Address patient, Address practitioner, Category category) {
        StaffMember member = staff.get(practitioner);
        if (member == null || member.role() != StaffRole.PRACTITIONER || !isActiveHospital(member.hospitalId())) {
            return false;
        }
        return covers(grantOf(patient, Grantee.practitioner(practitioner)), category)
                || covers(grantOf(patient, Grantee.hospital(member.hospitalId())), category);
    }

    @Override
    public boolean isHospitalAuthorized(Address patient, int hospitalId, Category category) {
        return hospitalId > 0 && isActiveHospital(hospitalId)
                && covers(grantOf(patient, Grantee.hospital(hospitalId)), category);
    }

    private boolean covers(ConsentGrant grant, Category category) {
        return grant.covers(category, clock.instant());
    }
}
