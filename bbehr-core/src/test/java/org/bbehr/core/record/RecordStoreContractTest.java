package org.bbehr.core.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RecordStore} adapter must do. Each adapter's test extends this class and gives a new, empty
 * store on a clock that the test controls.
 */
public abstract class RecordStoreContractTest {

    private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

    protected RecordStore store;

    /** A new store with no resources, whose write times come from {@code clock}. */
    protected abstract RecordStore newStore(Clock clock);

    @BeforeEach
    void createStore() {
        store = newStore(new TickingClock(START));
    }

    // fixtures: synthetic resources

    protected static ResourceKey alice() {
        return new ResourceKey("Patient", "alice");
    }

    protected static ResourceKey bob() {
        return new ResourceKey("Patient", "bob");
    }

    protected static ResourceKey aliceAsthma() {
        return new ResourceKey("Condition", "alice-asthma");
    }

    protected static ResourceKey aliceCheckup() {
        return new ResourceKey("Encounter", "alice-checkup");
    }

    protected static ResourceWrite put(ResourceKey key, String json) {
        return new ResourceWrite.Put(key, OptionalLong.empty(), json.getBytes(UTF_8), IndexEntries.NONE);
    }

    protected static ResourceWrite put(ResourceKey key, String json, Set<String> tokens, Set<ResourceKey> references) {
        return new ResourceWrite.Put(key, OptionalLong.empty(), json.getBytes(UTF_8),
                new IndexEntries(tokens, references));
    }

    protected static ResourceWrite putIfMatch(ResourceKey key, long expected, String json) {
        return new ResourceWrite.Put(key, OptionalLong.of(expected), json.getBytes(UTF_8), IndexEntries.NONE);
    }

    protected static ResourceWrite delete(ResourceKey key) {
        return new ResourceWrite.Delete(key, OptionalLong.empty());
    }

    protected static String json(ResourceKey key, String field) {
        return "{\"resourceType\":\"" + key.type() + "\",\"id\":\"" + key.id() + "\",\"note\":\"" + field + "\"}";
    }

    private static String text(StoredVersion version) {
        return new String(version.content(), UTF_8);
    }

    private static List<Long> versions(List<StoredVersion> stored) {
        return stored.stream().map(StoredVersion::version).toList();
    }

    // versions

    @Test
    void writeShouldNumberVersionsFromOneUpwards() {
        // given
        store.write(List.of(put(alice(), json(alice(), "first"))));

        // when
        List<StoredVersion> second = store.write(List.of(put(alice(), json(alice(), "second"))));

        // then
        assertThat(versions(second)).containsExactly(2L);
        StoredVersion current = store.findCurrent(alice()).orElseThrow();
        assertThat(current.version()).isEqualTo(2);
        assertThat(current.deleted()).isFalse();
        assertThat(text(current)).isEqualTo(json(alice(), "second"));
    }

    @Test
    void writeShouldReturnTheStoredVersionsInTheOrderOfTheWrites() {
        // when
        List<StoredVersion> stored = store.write(List.of(
                put(alice(), json(alice(), "a")), put(bob(), json(bob(), "b")), put(alice(), json(alice(), "a2"))));

        // then
        assertThat(stored).extracting(StoredVersion::key).containsExactly(alice(), bob(), alice());
        assertThat(versions(stored)).containsExactly(1L, 1L, 2L);
        assertThat(stored).extracting(StoredVersion::lastUpdated).containsOnly(stored.getFirst().lastUpdated());
        assertThat(text(store.findCurrent(alice()).orElseThrow())).isEqualTo(json(alice(), "a2"));
    }

    @Test
    void readShouldReturnExactlyTheBytesWritten() {
        // given
        String content = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"Zoë Ærøskøbing 山田\"}],\"x\":1.500}";
        StoredVersion written = store.write(List.of(put(alice(), content))).getFirst();

        // when
        StoredVersion read = store.findVersion(alice(), 1).orElseThrow();

        // then
        assertThat(read.content()).isEqualTo(content.getBytes(UTF_8));
        assertThat(read.lastUpdated()).isEqualTo(written.lastUpdated());
        assertThat(read.key()).isEqualTo(alice());
    }

    @Test
    void findVersionShouldReturnEveryStoredVersionAndNothingElse() {
        // given
        store.write(List.of(put(alice(), json(alice(), "one"))));
        store.write(List.of(put(alice(), json(alice(), "two"))));

        // then
        assertThat(text(store.findVersion(alice(), 1).orElseThrow())).isEqualTo(json(alice(), "one"));
        assertThat(text(store.findVersion(alice(), 2).orElseThrow())).isEqualTo(json(alice(), "two"));
        assertThat(store.findVersion(alice(), 3)).isEmpty();
        assertThat(store.findVersion(bob(), 1)).isEmpty();
        assertThat(store.findCurrent(bob())).isEmpty();
    }

    @Test
    void writeShouldRejectAnExpectedVersionThatIsNotCurrent() {
        // given
        store.write(List.of(put(alice(), json(alice(), "one"))));
        store.write(List.of(put(alice(), json(alice(), "two"))));

        // when / then
        assertThatThrownBy(() -> store.write(List.of(putIfMatch(alice(), 1, json(alice(), "stale")))))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_VERSION_CONFLICT))
                .hasMessageContaining("Patient/alice");
        assertThat(text(store.findCurrent(alice()).orElseThrow())).isEqualTo(json(alice(), "two"));
    }

    @Test
    void writeShouldAcceptTheCurrentExpectedVersion() {
        // given
        store.write(List.of(put(alice(), json(alice(), "one"))));

        // when
        List<StoredVersion> stored = store.write(List.of(putIfMatch(alice(), 1, json(alice(), "two"))));

        // then
        assertThat(versions(stored)).containsExactly(2L);
    }

    @Test
    void writeShouldStoreNothingWhenAnyWriteOfTheBatchFails() {
        // given
        store.write(List.of(put(bob(), json(bob(), "one"))));
        List<ResourceWrite> batch = List.of(
                put(alice(), json(alice(), "new"), Set.of("token-alice"), Set.of()),
                put(aliceAsthma(), json(aliceAsthma(), "new"), Set.of(), Set.of(alice())),
                putIfMatch(bob(), 7, json(bob(), "conflict")));

        // when
        assertThatThrownBy(() -> store.write(batch)).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_VERSION_CONFLICT));

        // then
        assertThat(store.findCurrent(alice())).isEmpty();
        assertThat(store.findCurrent(aliceAsthma())).isEmpty();
        assertThat(store.findByIdentifier("Patient", List.of("token-alice"))).isEmpty();
        assertThat(store.findReferencing(alice())).isEmpty();
        assertThat(versions(store.history(bob(), null, 0, 10))).containsExactly(1L);
        assertThat(store.typeHistory(null, null, 0, 10)).hasSize(1);
    }

    @Test
    void concurrentWritesShouldNeverGiveTwoVersionsTheSameNumber() throws Exception {
        // given
        int threads = 4;
        int writesPerThread = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Callable<List<Long>>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            writers.add(() -> {
                List<Long> numbers = new ArrayList<>();
                for (int i = 0; i < writesPerThread; i++) {
                    numbers.add(store.write(List.of(put(alice(), json(alice(), "w" + i)))).getFirst().version());
                }
                return numbers;
            });
        }

        // when
        List<Long> numbers = new ArrayList<>();
        try {
            for (Future<List<Long>> result : pool.invokeAll(writers)) {
                numbers.addAll(result.get());
            }
        } finally {
            pool.shutdown();
        }

        // then
        assertThat(numbers).doesNotHaveDuplicates().hasSize(threads * writesPerThread);
        assertThat(store.findCurrent(alice()).orElseThrow().version()).isEqualTo(threads * writesPerThread);
    }

    // deletion and references

    @Test
    void deleteShouldBeRefusedWhileACurrentResourceReferencesTheTarget() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p")),
                put(aliceAsthma(), json(aliceAsthma(), "c"), Set.of(), Set.of(alice()))));

        // when / then
        assertThatThrownBy(() -> store.write(List.of(delete(alice()))))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_REFERENCED))
                .hasMessageContaining("Patient/alice")
                .hasMessageContaining("Condition/alice-asthma");
        assertThat(store.findCurrent(alice()).orElseThrow().deleted()).isFalse();
    }

    @Test
    void deleteShouldBeAllowedInTheSameBatchAsTheDeletionOfTheReferencingResource() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p")),
                put(aliceAsthma(), json(aliceAsthma(), "c"), Set.of(), Set.of(alice()))));

        // when
        List<StoredVersion> stored = store.write(List.of(delete(alice()), delete(aliceAsthma())));

        // then
        assertThat(stored).allMatch(StoredVersion::deleted);
        assertThat(store.findCurrent(alice()).orElseThrow().deleted()).isTrue();
        assertThat(store.findCurrent(aliceAsthma()).orElseThrow().deleted()).isTrue();
    }

    @Test
    void deleteShouldBeAllowedOnceTheReferencingResourceNoLongerReferencesTheTarget() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p")),
                put(aliceAsthma(), json(aliceAsthma(), "c"), Set.of(), Set.of(alice()))));
        store.write(List.of(put(aliceAsthma(), json(aliceAsthma(), "unlinked"))));

        // when
        store.write(List.of(delete(alice())));

        // then
        assertThat(store.findCurrent(alice()).orElseThrow().deleted()).isTrue();
        assertThat(store.findReferencing(alice())).isEmpty();
    }

    @Test
    void deletedResourceShouldReadAsAnEmptyDeletionVersionAndKeepItsHistory() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p"), Set.of("token-alice"), Set.of(bob()))));

        // when
        StoredVersion deletion = store.write(List.of(delete(alice()))).getFirst();

        // then
        assertThat(deletion.version()).isEqualTo(2);
        StoredVersion current = store.findCurrent(alice()).orElseThrow();
        assertThat(current.deleted()).isTrue();
        assertThat(current.content()).isEmpty();
        assertThat(text(store.findVersion(alice(), 1).orElseThrow())).isEqualTo(json(alice(), "p"));
        assertThat(store.findByIdentifier("Patient", List.of("token-alice"))).isEmpty();
        assertThat(store.findReferencing(bob())).isEmpty();
    }

    @Test
    void isLiveShouldTellCurrentResourcesFromDeletedAndAbsentOnes() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p")), put(bob(), json(bob(), "p"))));

        // when
        store.write(List.of(delete(bob())));

        // then
        assertThat(store.isLive(alice())).isTrue();
        assertThat(store.isLive(bob())).isFalse();
        assertThat(store.isLive(aliceAsthma())).isFalse();
    }

    @Test
    void putShouldBringADeletedResourceBackWithTheNextVersion() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p"))));
        store.write(List.of(delete(alice())));

        // when
        StoredVersion revived = store.write(List.of(put(alice(), json(alice(), "back")))).getFirst();

        // then
        assertThat(revived.version()).isEqualTo(3);
        assertThat(store.findCurrent(alice()).orElseThrow().deleted()).isFalse();
    }

    @Test
    void findLiveShouldReadTheCurrentVersionsOfManyInTheirOrderLeavingOutDeletedAndAbsentOnes() {
        // given
        store.write(List.of(put(alice(), json(alice(), "a1")), put(bob(), json(bob(), "b1")),
                put(aliceAsthma(), json(aliceAsthma(), "c1"))));
        store.write(List.of(put(alice(), json(alice(), "a2")), delete(bob())));

        // when
        List<StoredVersion> live = store.findLive(List.of(aliceAsthma(), bob(), aliceCheckup(), alice()));

        // then
        assertThat(live).extracting(StoredVersion::key).containsExactly(aliceAsthma(), alice());
        assertThat(live).extracting(RecordStoreContractTest::text)
                .containsExactly(json(aliceAsthma(), "c1"), json(alice(), "a2"));
    }

    // history

    @Test
    void historyShouldListVersionsNewestFirstAndPageThroughThem() {
        // given
        for (int i = 1; i <= 5; i++) {
            store.write(List.of(put(alice(), json(alice(), "v" + i))));
        }

        // then
        assertThat(versions(store.history(alice(), null, 0, 2))).containsExactly(5L, 4L);
        assertThat(versions(store.history(alice(), null, 2, 2))).containsExactly(3L, 2L);
        assertThat(versions(store.history(alice(), null, 4, 2))).containsExactly(1L);
        assertThat(store.history(alice(), null, 5, 2)).isEmpty();
        assertThat(text(store.history(alice(), null, 0, 1).getFirst())).isEqualTo(json(alice(), "v5"));
        assertThat(store.history(bob(), null, 0, 10)).isEmpty();
    }

    @Test
    void historyShouldOnlyListVersionsUpdatedAfterSince() {
        // given
        store.write(List.of(put(alice(), json(alice(), "v1"))));
        Instant second = store.write(List.of(put(alice(), json(alice(), "v2")))).getFirst().lastUpdated();
        store.write(List.of(put(alice(), json(alice(), "v3"))));

        // when
        List<StoredVersion> since = store.history(alice(), second, 0, 10);

        // then
        assertThat(versions(since)).containsExactly(3L);
    }

    @Test
    void typeHistoryShouldListTheVersionsOfOneTypeOrOfAllTypesNewestFirst() {
        // given
        store.write(List.of(put(alice(), json(alice(), "a"))));
        store.write(List.of(put(aliceAsthma(), json(aliceAsthma(), "c"))));
        store.write(List.of(put(bob(), json(bob(), "b"))));
        store.write(List.of(put(alice(), json(alice(), "a2"))));

        // when
        List<StoredVersion> patients = store.typeHistory("Patient", null, 0, 10);
        List<StoredVersion> all = store.typeHistory(null, null, 0, 10);

        // then
        assertThat(patients).extracting(v -> v.key() + "/_history/" + v.version())
                .containsExactly("Patient/alice/_history/2", "Patient/bob/_history/1", "Patient/alice/_history/1");
        assertThat(all).extracting(StoredVersion::key).containsExactly(alice(), bob(), aliceAsthma(), alice());
        assertThat(store.typeHistory(null, null, 1, 2)).extracting(StoredVersion::key)
                .containsExactly(bob(), aliceAsthma());
        assertThat(store.typeHistory("Patient", patients.get(1).lastUpdated(), 0, 10)).hasSize(1);
    }

    // indexes

    @Test
    void findByIdentifierShouldMatchTheTokensOfCurrentVersionsOnly() {
        // given
        store.write(List.of(
                put(alice(), json(alice(), "p"), Set.of("token-mrn-1", "token-ssn-1"), Set.of()),
                put(bob(), json(bob(), "p"), Set.of("token-mrn-2"), Set.of()),
                put(aliceAsthma(), json(aliceAsthma(), "c"), Set.of("token-mrn-1"), Set.of())));
        store.write(List.of(put(bob(), json(bob(), "renumbered"), Set.of("token-mrn-3"), Set.of())));

        // then
        assertThat(store.findByIdentifier("Patient", List.of("token-mrn-1"))).containsExactly(alice());
        assertThat(store.findByIdentifier("Patient", List.of("token-ssn-1"))).containsExactly(alice());
        assertThat(store.findByIdentifier("Patient", List.of("token-mrn-2"))).isEmpty();
        assertThat(store.findByIdentifier("Patient", List.of("token-mrn-3"))).containsExactly(bob());
        assertThat(store.findByIdentifier("Condition", List.of("token-mrn-1"))).containsExactly(aliceAsthma());
    }

    @Test
    void findByIdentifierShouldMatchAnyOfSeveralTokensOnce() {
        // given: an identifier's tokens under two blind-index keys, as during a key rotation
        store.write(List.of(
                put(alice(), json(alice(), "p"), Set.of("old-mrn-1", "old-ssn-1"), Set.of()),
                put(bob(), json(bob(), "p"), Set.of("new-mrn-1"), Set.of())));

        // then
        assertThat(store.findByIdentifier("Patient", List.of("new-mrn-1", "old-mrn-1")))
                .containsExactly(alice(), bob());
        assertThat(store.findByIdentifier("Patient", List.of("old-mrn-1", "old-ssn-1"))).containsExactly(alice());
        assertThat(store.findByIdentifier("Patient", List.of())).isEmpty();
    }

    @Test
    void findReferencingShouldListTheCurrentReferencingResourcesInOrder() {
        // given
        store.write(List.of(
                put(aliceCheckup(), json(aliceCheckup(), "e"), Set.of(), Set.of(alice())),
                put(aliceAsthma(), json(aliceAsthma(), "c"), Set.of(), Set.of(alice(), aliceCheckup())),
                put(bob(), json(bob(), "b"), Set.of(), Set.of())));

        // then
        assertThat(store.findReferencing(alice())).containsExactly(aliceAsthma(), aliceCheckup());
        assertThat(store.findReferencing(aliceCheckup())).containsExactly(aliceAsthma());
        assertThat(store.findReferencing(bob())).isEmpty();
    }

    // erasure and legal hold

    @Test
    void eraseShouldMakeEveryVersionUnreadableForEver() {
        // given
        store.write(List.of(put(alice(), json(alice(), "v1"), Set.of("token-alice"), Set.of(bob()))));
        store.write(List.of(put(alice(), json(alice(), "v2"), Set.of("token-alice"), Set.of(bob()))));
        store.write(List.of(put(bob(), json(bob(), "b"))));

        // when
        store.erase(alice(), "patient's request under GDPR art. 17", "dr-bob");

        // then
        assertErased(() -> store.findCurrent(alice()));
        assertErased(() -> store.isLive(alice()));
        assertErased(() -> store.findVersion(alice(), 1));
        assertErased(() -> store.history(alice(), null, 0, 10));
        assertErased(() -> store.write(List.of(put(alice(), json(alice(), "again")))));
        assertThat(store.typeHistory("Patient", null, 0, 10)).extracting(StoredVersion::key).containsExactly(bob());
        assertThat(store.findByIdentifier("Patient", List.of("token-alice"))).isEmpty();
        assertThat(store.findReferencing(bob())).isEmpty();
    }

    @Test
    void erasedResourceShouldNoLongerBlockTheDeletionOfWhatItReferenced() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p")),
                put(aliceAsthma(), json(aliceAsthma(), "c"), Set.of(), Set.of(alice()))));
        store.erase(aliceAsthma(), "entered in error", "dr-bob");

        // when
        store.write(List.of(delete(alice())));

        // then
        assertThat(store.findCurrent(alice()).orElseThrow().deleted()).isTrue();
    }

    @Test
    void eraseShouldBeRefusedUnderLegalHoldAndAllowedOnceTheHoldIsLifted() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p"))));
        store.setLegalHold(alice(), true);

        // when / then
        assertThatThrownBy(() -> store.erase(alice(), "request", "dr-bob"))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_LEGAL_HOLD));
        assertThat(store.findCurrent(alice())).isPresent();

        store.setLegalHold(alice(), false);
        store.erase(alice(), "request", "dr-bob");
        assertErased(() -> store.findCurrent(alice()));
    }

    @Test
    void legalHoldShouldSurviveAnUpdate() {
        // given
        store.write(List.of(put(alice(), json(alice(), "p"))));
        store.setLegalHold(alice(), true);

        // when
        store.write(List.of(put(alice(), json(alice(), "p2"))));

        // then
        assertThatThrownBy(() -> store.erase(alice(), "request", "dr-bob"))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_LEGAL_HOLD));
    }

    @Test
    void eraseAndLegalHoldShouldRejectAResourceThatIsNotThere() {
        // given
        store.write(List.of(put(bob(), json(bob(), "b"))));
        store.erase(bob(), "request", "dr-bob");

        // then
        assertThatThrownBy(() -> store.erase(alice(), "request", "dr-bob")).isInstanceOfSatisfying(
                BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThatThrownBy(() -> store.erase(bob(), "again", "dr-bob")).isInstanceOfSatisfying(
                BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThatThrownBy(() -> store.setLegalHold(alice(), true)).isInstanceOfSatisfying(
                BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
    }

    // labels

    @Test
    void relabelShouldGiveTheCurrentVersionNewLabelsWithoutANewVersion() {
        // given: a document in no one's compartment, at version 2
        ResourceKey pdf = new ResourceKey("Binary", "pdf-1");
        AccessLabels plain = new AccessLabels(Set.of(), org.bbehr.core.consent.Category.DOCUMENTS);
        AccessLabels alices = new AccessLabels(Set.of("alice"), org.bbehr.core.consent.Category.SENSITIVE);
        store.write(List.of(new ResourceWrite.Put(pdf, OptionalLong.empty(), json(pdf, "1").getBytes(UTF_8),
                IndexEntries.NONE, plain)));
        store.write(List.of(new ResourceWrite.Put(pdf, OptionalLong.empty(), json(pdf, "2").getBytes(UTF_8),
                IndexEntries.NONE, plain)));

        // when: relabelled, beside a put of another resource
        List<StoredVersion> stored = store.write(List.of(put(bob(), json(bob(), "b")),
                new ResourceWrite.Relabel(pdf, alices)));

        // then: no version for the relabel; the current version has the new labels, the earlier one its own
        assertThat(stored).extracting(StoredVersion::key).containsExactly(bob());
        StoredVersion current = store.findCurrent(pdf).orElseThrow();
        assertThat(current.version()).isEqualTo(2);
        assertThat(current.labels()).isEqualTo(alices);
        assertThat(text(current)).isEqualTo(json(pdf, "2"));
        assertThat(store.findVersion(pdf, 1).orElseThrow().labels()).isEqualTo(plain);
        assertThat(store.findLive(List.of(pdf))).singleElement()
                .satisfies(v -> assertThat(v.labels()).isEqualTo(alices));
        assertThat(store.history(pdf, Instant.EPOCH, 0, 10)).hasSize(2);
    }

    @Test
    void relabelOfAResourceThatIsNotThereShouldBeRefusedAndStoreNothing() {
        // when / then
        assertThatThrownBy(() -> store.write(List.of(put(bob(), json(bob(), "b")),
                new ResourceWrite.Relabel(alice(), AccessLabels.UNLABELLED)))).isInstanceOfSatisfying(
                BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_NOT_FOUND));
        assertThat(store.findCurrent(bob())).isEmpty();
    }

    private static void assertErased(org.assertj.core.api.ThrowableAssert.ThrowingCallable read) {
        assertThatThrownBy(read).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_ERASED));
    }

    /** A clock that moves one millisecond forward each time it is read, so every write has its own time. */
    public static final class TickingClock extends Clock {

        private final AtomicLong millis;

        public TickingClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock has one zone");
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.getAndAdd(Duration.ofMillis(1).toMillis()));
        }
    }
}
