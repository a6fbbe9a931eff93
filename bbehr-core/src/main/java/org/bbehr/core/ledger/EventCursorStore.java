package org.bbehr.core.ledger;

import java.util.OptionalLong;

/** Keeps the next block an {@link EventFeed} reads from, so a restart resumes where it stopped. */
public interface EventCursorStore {

    OptionalLong findNextBlock();

    void saveNextBlock(long nextBlock);
}
