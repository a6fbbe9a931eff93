package org.bbehr.core.anchor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.RecordStoreContractTest.TickingClock;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AnchorJournal} must do, whatever keeps it: record versions written to its store wait as pending
 * leaves, oldest first; saving a batch takes its leaves out of the pending ones; batches move between unconfirmed and
 * anchored as the anchorer learns of the chain.
 */
public abstract class AnchorJournalContractTest {

    protected static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final int HOSPITAL = 1;

    /** A journal and the record store whose writes it takes its pending leaves from, both empty. */
    public record Journal(AnchorJournal journal, RecordStore store) {}

    protected abstract Journal newJournal(TickingClock clock);

    private AnchorJournal journal;
    private RecordStore store;
    private int written;

    @BeforeEach
    void createJournal() {
        Journal fixture = newJournal(new TickingClock(START));
        journal = fixture.journal();
        store = fixture.store();
    }

    private List<StoredVersion> write(int count) {
        List<ResourceWrite> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ResourceKey key = new ResourceKey("Observation", "obs-" + (++written));
            writes.add(new ResourceWrite.Put(key, OptionalLong.empty(),
                    ("{\"resourceType\":\"Observation\",\"id\":\"" + key.id() + "\"}").getBytes(UTF_8),
                    IndexEntries.NONE));
        }
        return store.write(writes);
    }

    private static SignedTransaction transaction(long nonce) {
        return new SignedTransaction(Bytes32.random(), new byte[] {1, 2, 3},
                Address.of("0x00000000000000000000000000000000000000aa"), nonce, 100_000);
    }

    private AnchorBatch saveBatchOf(int max) {
        List<PendingLeaf> pending = journal.findPending(max);
        return journal.save(AnchorBatch.Built.of(HOSPITAL, pending), transaction(pending.size()));
    }

    @Test
    void emptyJournalShouldHaveNothingPending() {
        assertThat(journal.findPending(10)).isEmpty();
        assertThat(journal.findOldestPending()).isEmpty();
        assertThat(journal.findUnconfirmed()).isEmpty();
    }

    @Test
    void writtenVersionsShouldWaitAsPendingLeavesOldestFirstUpToTheMaximum() {
        // given
        List<StoredVersion> first = write(2);
        List<StoredVersion> second = write(2);

        // when
        List<PendingLeaf> pending = journal.findPending(3);

        // then
        assertThat(pending).extracting(PendingLeaf::key).containsExactly(first.get(0).key(), first.get(1).key(),
                second.get(0).key());
        assertThat(pending).allSatisfy(leaf -> assertThat(leaf.version()).isEqualTo(1));
        assertThat(pending).allSatisfy(leaf -> assertThat(leaf.kind()).isEqualTo(LeafKind.RECORD_VERSION));
        assertThat(journal.findOldestPending()).isPresent();
    }

    @Test
    void savingABatchShouldTakeItsLeavesOutOfThePendingOnesSoNoLeafIsInTwoBatches() {
        // given
        write(5);

        // when
        AnchorBatch batch = saveBatchOf(3);

        // then
        assertThat(batch.id()).isPositive();
        assertThat(batch.leafCount()).isEqualTo(3);
        assertThat(batch.hospitalId()).isEqualTo(HOSPITAL);
        assertThat(journal.findPending(10)).extracting(leaf -> leaf.key().id())
                .containsExactly("obs-4", "obs-5");
        AnchorBatch next = saveBatchOf(10);
        assertThat(next.id()).isNotEqualTo(batch.id());
        assertThat(next.root()).isNotEqualTo(batch.root());
        assertThat(journal.findPending(10)).isEmpty();
        assertThat(journal.findOldestPending()).isEmpty();
    }

    @Test
    void savedBatchShouldStayUnconfirmedWithItsTransactionUntilMarkedAnchored() {
        // given
        write(2);
        AnchorBatch batch = saveBatchOf(10);
        assertThat(journal.findUnconfirmed()).singleElement().satisfies(unconfirmed -> {
            assertThat(unconfirmed.id()).isEqualTo(batch.id());
            assertThat(unconfirmed.root()).isEqualTo(batch.root());
            assertThat(unconfirmed.transaction().hash()).isEqualTo(batch.transaction().hash());
            assertThat(unconfirmed.transaction().raw()).isEqualTo(batch.transaction().raw());
        });

        // when
        journal.markAnchored(batch.id(), batch.transaction().hash(), 42, START.plusSeconds(60));

        // then
        assertThat(journal.findUnconfirmed()).isEmpty();
        assertThat(journal.findAnchoredSince(START, 10)).extracting(AnchorBatch::id).containsExactly(batch.id());
        assertThat(journal.findAnchoredSince(START.plusSeconds(61), 10)).isEmpty();
    }

    @Test
    void replacedTransactionShouldBeTheOneTheBatchIsSentWith() {
        // given
        write(1);
        AnchorBatch batch = saveBatchOf(10);
        SignedTransaction again = transaction(7);

        // when
        journal.replaceTransaction(batch.id(), again);

        // then
        assertThat(journal.findUnconfirmed()).singleElement().satisfies(unconfirmed -> {
            assertThat(unconfirmed.transaction().hash()).isEqualTo(again.hash());
            assertThat(unconfirmed.transaction().nonce()).isEqualTo(7);
            assertThat(unconfirmed.root()).isEqualTo(batch.root());
        });
    }

    @Test
    void lostBatchShouldBeUnconfirmedAgain() {
        // given
        write(1);
        AnchorBatch batch = saveBatchOf(10);
        journal.markAnchored(batch.id(), batch.transaction().hash(), 42, START.plusSeconds(60));

        // when: the chain no longer has the root
        journal.markLost(batch.id());

        // then
        assertThat(journal.findUnconfirmed()).extracting(AnchorBatch::id).containsExactly(batch.id());
        assertThat(journal.findAnchoredSince(START, 10)).isEmpty();
    }

    @Test
    void anchoredBatchesShouldBeListedNewestFirstUpToTheMaximum() {
        // given
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            write(1);
            AnchorBatch batch = saveBatchOf(10);
            journal.markAnchored(batch.id(), batch.transaction().hash(), 10 + i, START.plusSeconds(60L * (i + 1)));
            ids.add(batch.id());
        }

        // when / then
        assertThat(journal.findAnchoredSince(START, 2)).extracting(AnchorBatch::id)
                .containsExactly(ids.get(2), ids.get(1));
    }
}
