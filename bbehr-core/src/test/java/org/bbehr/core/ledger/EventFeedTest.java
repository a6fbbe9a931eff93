package org.bbehr.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.junit.jupiter.api.Test;

class EventFeedTest {

    private final Ledger ledger = mock(Ledger.class);
    private final MemoryCursor cursor = new MemoryCursor();

    EventFeedTest() {
        Address a = Address.ZERO;
        when(ledger.deployment()).thenReturn(new Deployment(31337, a, a, a, a, 10, "", Address.ZERO));
    }

    @Test
    void pollShouldStartAtTheDeployBlockAndSaveThePositionAfterDelivering() {
        // given
        when(ledger.blockNumber()).thenReturn(12L);
        LedgerEvent anchored = rootAnchored(11);
        when(ledger.readEvents(10, 12)).thenReturn(List.of(anchored));
        List<LedgerEvent> seen = new ArrayList<>();
        // when
        int delivered = new EventFeed(ledger, cursor, 1, 100).poll(seen::add);
        // then
        assertThat(delivered).isEqualTo(1);
        assertThat(seen).containsExactly(anchored);
        assertThat(cursor.findNextBlock()).hasValue(13);
    }

    @Test
    void pollShouldReadOnlyConfirmedBlocksAndBoundedRanges() {
        // given
        cursor.saveNextBlock(20);
        when(ledger.blockNumber()).thenReturn(1_000L);
        when(ledger.readEvents(20, 69)).thenReturn(List.of());
        // when
        new EventFeed(ledger, cursor, 3, 50).poll(e -> {});
        // then
        assertThat(cursor.findNextBlock()).hasValue(70);
    }

    @Test
    void pollShouldWaitWhenNoBlockIsConfirmedYet() {
        // given
        cursor.saveNextBlock(20);
        when(ledger.blockNumber()).thenReturn(20L);
        // when
        int delivered = new EventFeed(ledger, cursor, 2, 50).poll(e -> {});
        // then
        assertThat(delivered).isZero();
        verify(ledger, never()).readEvents(org.mockito.ArgumentMatchers.anyLong(), org.mockito.ArgumentMatchers.anyLong());
        assertThat(cursor.findNextBlock()).hasValue(20);
    }

    @Test
    void catchUpShouldReadRangesUntilTheHead() {
        // given
        when(ledger.blockNumber()).thenReturn(25L);
        when(ledger.readEvents(10, 14)).thenReturn(List.of(rootAnchored(12)));
        when(ledger.readEvents(15, 19)).thenReturn(List.of());
        when(ledger.readEvents(20, 24)).thenReturn(List.of(rootAnchored(21)));
        when(ledger.readEvents(25, 25)).thenReturn(List.of());
        // when
        int delivered = new EventFeed(ledger, cursor, 1, 5).catchUp(e -> {});
        // then
        assertThat(delivered).isEqualTo(2);
        assertThat(cursor.findNextBlock()).hasValue(26);
    }

    private static LedgerEvent rootAnchored(long block) {
        return new LedgerEvent.RootAnchored(new LedgerEvent.Position(block, Bytes32.random(), 0), 1, Bytes32.random(),
                4);
    }

    private static final class MemoryCursor implements EventCursorStore {
        private Long next;

        @Override
        public OptionalLong findNextBlock() {
            return next == null ? OptionalLong.empty() : OptionalLong.of(next);
        }

        @Override
        public void saveNextBlock(long nextBlock) {
            next = nextBlock;
        }
    }
}
