package org.bbehr.core.memory;

import java.util.OptionalLong;
import org.bbehr.core.ledger.EventCursorStore;

/** An event feed's position kept in memory only: for a consumer that itself starts afresh on every start. */
public final class InMemoryEventCursor implements EventCursorStore {

    private volatile OptionalLong next = OptionalLong.empty();

    @Override
    public OptionalLong findNextBlock() {
        return next;
    }

    @Override
    public void saveNextBlock(long nextBlock) {
        next = OptionalLong.of(nextBlock);
    }
}
