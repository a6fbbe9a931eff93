package org.bbehr.core.access;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.RecordStoreContractTest.TickingClock;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.core.search.AccessClause;
import org.bbehr.core.search.Clause;
import org.bbehr.core.search.Criterion;
import org.bbehr.core.search.RecordSearch;
import org.bbehr.core.search.SearchPage;
import org.bbehr.core.search.SearchQuery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the one door must do on every store adapter, with a scripted policy: the node's actor sees everything;
 * {@link #drBob()} sees Alice's records but nothing sensitive and nothing of Carol's, and may not touch Practitioner
 * resources at all. Every path of the door is covered, and the oracles that would tell a hidden resource from a free
 * id.
 */
public abstract class RecordAccessContractTest {

    static final Actor NODE = Actor.system("node");

    protected RecordStore store;
    protected RecordAccess door;
    protected final List<AccessEvent> audited = new ArrayList<>();
    private final AtomicBoolean insideStablePrimary = new AtomicBoolean();
    private final AtomicBoolean preparedInsideStablePrimary = new AtomicBoolean();

    /** A new, empty store on {@code clock}, which must also be a {@link RecordSearch}. */
    protected abstract RecordStore newStore(Clock clock);

    static Actor drBob() {
        return new Actor(Actor.Kind.USER, "dr-bob", Actor.Role.PRACTITIONER, Optional.of(1L), Optional.empty(),
                Purpose.TREATMENT, false);
    }

    /**
     * Alice's records except the sensitive ones, and what is in no patient's compartment; no Practitioners; financial
     * records refused outright (forbidden, not hidden).
     */
    static final class ScriptedPolicy implements AccessPolicy {

        static final AccessClause BOBS = new AccessClause(Set.of("alice"), true,
                EnumSet.complementOf(EnumSet.of(Category.SENSITIVE, Category.FINANCIAL)));

        @Override
        public Decision onType(Actor actor, Action action, String type) {
            return !actor.isSystem() && "Practitioner".equals(type) ? Decision.FORBID : Decision.ALLOW;
        }

        @Override
        public Decision onRecord(Actor actor, Action action, ResourceKey key, AccessLabels labels) {
            if (actor.isSystem() || BOBS.admits(labels)) {
                return Decision.ALLOW;
            }
            return labels.category() == Category.FINANCIAL ? Decision.FORBID : Decision.HIDE;
        }

        @Override
        public Optional<AccessClause> searchClause(Actor actor, String type) {
            return actor.isSystem() ? Optional.empty() : Optional.of(BOBS);
        }

        @Override
        public boolean seesEverything(Actor actor) {
            return actor.isSystem();
        }
    }

    @BeforeEach
    void createDoor() {
        store = newStore(new TickingClock(Instant.parse("2026-03-01T09:00:00Z")));
        BlindIndex hmac = new HmacBlindIndex(new byte[32]);
        BlindIndex blindIndex = new BlindIndex() {
            @Override
            public String token(String kind, String normalizedValue) {
                return hmac.token(kind, normalizedValue);
            }

            @Override
            public <T> T withStablePrimary(Supplier<T> work) {
                insideStablePrimary.set(true);
                try {
                    return work.get();
                } finally {
                    insideStablePrimary.set(false);
                }
            }
        };
        door = new RecordAccess(new RecordAccess.Parts(store, (RecordSearch) store, Optional.empty(), blindIndex,
                new ScriptedPolicy(), audited::add));
        door.write(NODE, () -> List.of(
                put("Patient", "alice", Set.of("alice"), Category.DEMOGRAPHICS, "token-alice"),
                put("Patient", "carol", Set.of("carol"), Category.DEMOGRAPHICS, "token-carol"),
                put("Organization", "ward", Set.of(), Category.OTHER, null),
                put("Practitioner", "pr1", Set.of(), Category.OTHER, null),
                observation("hr-alice", "alice", Category.VITAL_SIGNS),
                observation("hiv-alice", "alice", Category.SENSITIVE),
                observation("hr-carol", "carol", Category.VITAL_SIGNS)));
        audited.clear();
    }

    // reads

    @Test
    void readShouldAnswerAHiddenResourceAsOneThatDoesNotExist() {
        // when
        Optional<StoredVersion> carols = door.findCurrent(drBob(), key("Observation", "hr-carol"));
        Optional<StoredVersion> none = door.findCurrent(drBob(), key("Observation", "no-such-id"));
        Optional<StoredVersion> sensitive = door.findCurrent(drBob(), key("Observation", "hiv-alice"));

        // then
        assertThat(carols).isEmpty();
        assertThat(none).isEmpty();
        assertThat(sensitive).isEmpty();
        assertThat(door.findCurrent(drBob(), key("Observation", "hr-alice"))).isPresent();
        assertThat(door.findCurrentAnchored(drBob(), key("Observation", "hr-carol"))).isEmpty();
        assertThat(door.isLive(drBob(), key("Observation", "hr-carol"))).isFalse();
        assertThat(door.findCurrent(NODE, key("Observation", "hr-carol"))).isPresent();
    }

    @Test
    void forbiddenTypeShouldBeRefusedBeforeAnyLookup() {
        // when / then
        assertDenied(() -> door.findCurrent(drBob(), key("Practitioner", "pr1")), ErrorCode.ACCESS_FORBIDDEN);
        assertDenied(() -> door.findCurrent(drBob(), key("Practitioner", "no-such-id")), ErrorCode.ACCESS_FORBIDDEN);
        assertDenied(() -> door.search(drBob(), SearchQuery.of("Practitioner")), ErrorCode.ACCESS_FORBIDDEN);
        assertThat(audited).extracting(AccessEvent::decision).containsOnly(Decision.FORBID);
    }

    @Test
    void forbiddenRecordShouldBeRefusedAsForbiddenAndAudited() {
        // given: a claim of Alice's, a category the policy refuses outright
        door.write(NODE, () -> List.of(put("Claim", "claim-alice", Set.of("alice"), Category.FINANCIAL, null)));
        audited.clear();

        // when
        BbehrException read = denial(() -> door.findCurrent(drBob(), key("Claim", "claim-alice")));
        BbehrException write = denial(() -> door.write(drBob(), () -> List.of(
                update("Claim", "claim-alice", "alice", Category.FINANCIAL))));

        // then: refused as forbidden (not answered as missing), audited as such, not in searches
        assertThat(read.code()).isEqualTo(ErrorCode.ACCESS_FORBIDDEN);
        assertThat(write.code()).isEqualTo(ErrorCode.ACCESS_FORBIDDEN);
        assertThat(audited).extracting(AccessEvent::decision).containsExactly(Decision.FORBID, Decision.FORBID);
        assertThat(door.search(drBob(), SearchQuery.of("Claim"))).isEmpty();
        assertThat(door.findCurrent(NODE, key("Claim", "claim-alice")).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void relabelShouldNeedTheActorToSeeTheOldAndTheNewLabels() {
        // when: Bob relabels Alice's record into Carol's compartment; the node does the same to another
        BbehrException intoCarols = denial(() -> door.write(drBob(), () -> List.of(new ResourceWrite.Relabel(
                key("Observation", "hr-alice"), new AccessLabels(Set.of("carol"), Category.VITAL_SIGNS)))));
        door.write(NODE, () -> List.of(new ResourceWrite.Relabel(key("Observation", "hr-carol"),
                new AccessLabels(Set.of("alice"), Category.VITAL_SIGNS))));

        // then
        assertThat(intoCarols.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND);
        assertThat(door.findCurrent(drBob(), key("Observation", "hr-alice"))).isPresent();
        assertThat(door.findCurrent(drBob(), key("Observation", "hr-carol"))).hasValueSatisfying(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.labels().compartment()).containsExactly("alice");
        });
    }

    @Test
    void versionReadShouldBeJudgedByTheStricterOfItsOwnAndTheCurrentLabels() {
        // given: a record of Alice's, relabelled sensitive in its second version
        door.write(NODE, () -> List.of(observation("note-alice", "alice", Category.LABORATORY)));
        door.write(NODE, () -> List.of(observation("note-alice", "alice", Category.SENSITIVE)));

        // when
        Optional<StoredVersion> first = door.findVersion(drBob(), key("Observation", "note-alice"), 1);

        // then
        assertThat(first).isEmpty();
        assertThat(door.findVersionAnchored(drBob(), key("Observation", "note-alice"), 1)).isEmpty();
        assertThat(door.history(drBob(), key("Observation", "note-alice"), null, 0, 10)).isEmpty();
        assertThat(door.findVersion(NODE, key("Observation", "note-alice"), 1)).isPresent();
    }

    @Test
    void historiesShouldLeaveOutWhatIsHidden() {
        // when
        List<ResourceKey> typeHistory = door.typeHistory(drBob(), "Observation", null, 0, 100).stream()
                .map(StoredVersion::key).toList();
        List<ResourceKey> serverHistory = door.typeHistory(drBob(), null, null, 0, 100).stream()
                .map(StoredVersion::key).toList();

        // then
        assertThat(typeHistory).containsExactly(key("Observation", "hr-alice"));
        assertThat(serverHistory).containsExactlyInAnyOrder(key("Patient", "alice"), key("Organization", "ward"),
                key("Practitioner", "pr1"), key("Observation", "hr-alice"));
        assertThat(door.history(drBob(), key("Observation", "hr-carol"), null, 0, 10)).isEmpty();
        assertThat(door.history(drBob(), key("Observation", "hr-alice"), null, 0, 10)).hasSize(1);
    }

    @Test
    void lookupsShouldLeaveOutWhatIsHidden() {
        // when
        List<ResourceKey> referencingCarol = door.findReferencing(drBob(), key("Patient", "carol"));
        List<ResourceKey> referencingAlice = door.findReferencing(drBob(), key("Patient", "alice"));
        List<ResourceKey> carolByIdentifier = door.findByIdentifier(drBob(), "Patient", List.of("token-carol"));
        List<StoredVersion> page = door.findLive(drBob(), List.of(key("Observation", "hr-carol"),
                key("Observation", "hr-alice"), key("Observation", "hiv-alice")));

        // then
        assertThat(referencingCarol).isEmpty();
        assertThat(referencingAlice).containsExactly(key("Observation", "hr-alice"));
        assertThat(carolByIdentifier).isEmpty();
        assertThat(door.findByIdentifier(drBob(), "Patient", List.of("token-alice")))
                .containsExactly(key("Patient", "alice"));
        assertThat(page).extracting(StoredVersion::key).containsExactly(key("Observation", "hr-alice"));
        assertThat(door.findReferencing(NODE, key("Patient", "carol"))).containsExactly(key("Observation", "hr-carol"));
    }

    // searches

    @Test
    void searchShouldCountAndPageOnlyWhatTheActorMaySee() {
        // given
        SearchQuery observations = SearchQuery.of("Observation");

        // when
        List<ResourceKey> bobs = door.search(drBob(), observations);
        long bobsCount = door.count(drBob(), observations);
        SearchPage first = door.searchFrom(drBob(), observations.withLimit(1), Optional.empty());
        SearchPage second = door.searchFrom(drBob(), observations.withLimit(1), first.last());

        // then
        assertThat(bobs).containsExactly(key("Observation", "hr-alice"));
        assertThat(bobsCount).isEqualTo(1);
        assertThat(first.keys()).containsExactly(key("Observation", "hr-alice"));
        assertThat(second.keys()).isEmpty();
        assertThat(door.count(NODE, observations)).isEqualTo(3);
        assertThat(door.search(drBob(), SearchQuery.of("Organization"))).containsExactly(key("Organization", "ward"));
    }

    @Test
    void searchForAHiddenPatientsRecordsShouldFindNothing() {
        // when
        List<ResourceKey> carols = door.search(drBob(), SearchQuery.of("Observation",
                Clause.of(new Criterion.ReferenceTo("subject", "Patient", "carol", null))));

        // then
        assertThat(carols).isEmpty();
        assertThat(door.search(NODE, SearchQuery.of("Observation",
                Clause.of(new Criterion.ReferenceTo("subject", "Patient", "carol", null)))))
                .containsExactly(key("Observation", "hr-carol"));
    }

    // writes

    @Test
    void putToAFreeIdShouldGetTheSameAnswerAsAPutToAHiddenIdForARestrictedActor() {
        // when
        BbehrException free = denial(() -> door.write(drBob(), () -> List.of(
                update("Observation", "free-id", "alice", Category.VITAL_SIGNS))));
        BbehrException hidden = denial(() -> door.write(drBob(), () -> List.of(
                update("Observation", "hr-carol", "alice", Category.VITAL_SIGNS))));

        // then
        assertThat(free.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND);
        assertThat(hidden.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND);
        assertThat(hidden.getMessage().replace("hr-carol", "ID")).isEqualTo(free.getMessage().replace("free-id", "ID"));
        assertThat(door.findCurrent(NODE, key("Observation", "hr-carol")).orElseThrow().version()).isEqualTo(1);
        assertThat(door.write(NODE, () -> List.of(update("Observation", "free-id", "alice", Category.VITAL_SIGNS))))
                .hasSize(1);
    }

    @Test
    void writeShouldNeedBothTheOldAndTheNewCompartment() {
        // when: Bob moves Alice's record into Carol's compartment
        BbehrException intoCarols = denial(() -> door.write(drBob(), () -> List.of(
                update("Observation", "hr-alice", "carol", Category.VITAL_SIGNS))));

        // then
        assertThat(intoCarols.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND);
        assertThat(door.findCurrent(drBob(), key("Observation", "hr-alice")).orElseThrow().version()).isEqualTo(1);
        assertThat(door.write(drBob(), () -> List.of(create("Observation", "new-alice", "alice",
                Category.VITAL_SIGNS)))).hasSize(1);
    }

    @Test
    void blockedDeleteShouldNameNoResourceToARestrictedActor() {
        // given: the ward is referenced by one of Carol's records, which Bob may not see
        door.write(NODE, () -> List.of(new ResourceWrite.Put(key("Observation", "ward-carol"), OptionalLong.empty(),
                json("Observation", "ward-carol"), new IndexEntries(Set.of(), Set.of(key("Organization", "ward")),
                        List.of()), new AccessLabels(Set.of("carol"), Category.VITAL_SIGNS))));

        // when
        BbehrException bobs = denial(() -> door.write(drBob(), () -> List.of(
                new ResourceWrite.Delete(key("Organization", "ward"), OptionalLong.empty()))));
        BbehrException nodes = denial(() -> door.write(NODE, () -> List.of(
                new ResourceWrite.Delete(key("Organization", "ward"), OptionalLong.empty()))));

        // then
        assertThat(bobs.code()).isEqualTo(ErrorCode.RECORD_REFERENCED);
        assertThat(bobs.getMessage()).doesNotContain("ward-carol");
        assertThat(nodes.getMessage()).contains("ward-carol");
    }

    @Test
    void writesShouldBePreparedAndStoredWhileTheBlindIndexPrimaryIsStable() {
        // when
        door.write(drBob(), () -> {
            preparedInsideStablePrimary.set(insideStablePrimary.get());
            return List.of(create("Observation", "bp-alice", "alice", Category.VITAL_SIGNS));
        });

        // then
        assertThat(preparedInsideStablePrimary).isTrue();
        assertThat(insideStablePrimary).isFalse();
    }

    @Test
    void everyDecisionShouldBeAudited() {
        // when
        door.findCurrent(drBob(), key("Observation", "hr-alice"));
        door.findCurrent(drBob(), key("Observation", "hr-carol"));
        door.search(drBob(), SearchQuery.of("Observation"));

        // then
        assertThat(audited).extracting(AccessEvent::action, AccessEvent::decision, AccessEvent::keys).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Action.READ, Decision.ALLOW,
                        List.of(key("Observation", "hr-alice"))),
                org.assertj.core.groups.Tuple.tuple(Action.READ, Decision.HIDE,
                        List.of(key("Observation", "hr-carol"))),
                org.assertj.core.groups.Tuple.tuple(Action.SEARCH, Decision.ALLOW,
                        List.of(key("Observation", "hr-alice"))));
        assertThat(audited).extracting(AccessEvent::actor).containsOnly(drBob());
    }

    // fixtures

    static ResourceKey key(String type, String id) {
        return new ResourceKey(type, id);
    }

    static byte[] json(String type, String id) {
        return ("{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"}").getBytes(UTF_8);
    }

    static ResourceWrite.Put put(String type, String id, Set<String> compartment, Category category, String token) {
        return new ResourceWrite.Put(key(type, id), OptionalLong.empty(), json(type, id),
                new IndexEntries(token == null ? Set.of() : Set.of(token), Set.of(), List.of()),
                new AccessLabels(compartment, category));
    }

    static ResourceWrite.Put observation(String id, String patient, Category category) {
        return update("Observation", id, patient, category);
    }

    /** A PUT: no expected version. */
    static ResourceWrite.Put update(String type, String id, String patient, Category category) {
        return new ResourceWrite.Put(key(type, id), OptionalLong.empty(), json(type, id),
                new IndexEntries(Set.of(), Set.of(key("Patient", patient)),
                        List.of(new IndexValue.Reference("subject", "Patient", patient, null))),
                new AccessLabels(Set.of(patient), category));
    }

    /** A POST: a new id, expected not to exist. */
    static ResourceWrite.Put create(String type, String id, String patient, Category category) {
        ResourceWrite.Put put = update(type, id, patient, category);
        return new ResourceWrite.Put(put.key(), OptionalLong.of(0), put.content(), put.index(), put.labels());
    }

    static BbehrException denial(Runnable call) {
        try {
            call.run();
        } catch (BbehrException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    static void assertDenied(Runnable call, ErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
