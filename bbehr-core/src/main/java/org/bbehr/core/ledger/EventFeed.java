package org.bbehr.core.ledger;

import java.util.List;
import java.util.function.Consumer;

/**
 * Delivers the contracts' events in chain order from a stored block position, a bounded range at a time. Unlike
 * node-side filters, the position survives restarts of the node and of the chain's RPC endpoint. Delivery is at
 * least once: the position is saved after the consumer returns.
 */
public final class EventFeed {

    private final Ledger ledger;
    private final EventCursorStore cursor;
    private final int confirmations;
    private final long maxBlocksPerRead;

    public EventFeed(Ledger ledger, EventCursorStore cursor, int confirmations, long maxBlocksPerRead) {
        if (confirmations < 1 || maxBlocksPerRead < 1) {
            throw new IllegalArgumentException("confirmations and maxBlocksPerRead must be at least 1");
        }
        this.ledger = ledger;
        this.cursor = cursor;
        this.confirmations = confirmations;
        this.maxBlocksPerRead = maxBlocksPerRead;
    }

    /**
     * Reads the next range of confirmed blocks, hands their events to {@code consumer}, saves the new position.
     *
     * @return the number of events delivered
     */
    public int poll(Consumer<LedgerEvent> consumer) {
        long from = cursor.findNextBlock().orElse(ledger.deployment().deployBlock());
        long confirmedHead = ledger.blockNumber() - (confirmations - 1);
        if (confirmedHead < from) {
            return 0;
        }
        long to = Math.min(confirmedHead, from + maxBlocksPerRead - 1);
        List<LedgerEvent> events = ledger.readEvents(from, to);
        events.forEach(consumer);
        cursor.saveNextBlock(to + 1);
        return events.size();
    }

    /** Polls until the confirmed head is reached. */
    public int catchUp(Consumer<LedgerEvent> consumer) {
        int total = 0;
        long head;
        do {
            total += poll(consumer);
            head = ledger.blockNumber() - (confirmations - 1);
        } while (cursor.findNextBlock().orElse(0) <= head);
        return total;
    }
}
