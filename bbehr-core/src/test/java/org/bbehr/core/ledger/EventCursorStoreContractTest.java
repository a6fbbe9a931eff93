package org.bbehr.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What every {@link EventCursorStore} must do: nothing before the first save, then the last block saved. */
public abstract class EventCursorStoreContractTest {

    /** A cursor for a feed of that name that has never saved a position. */
    protected abstract EventCursorStore newCursor(String feed);

    @Test
    void newCursorShouldHaveNoPosition() {
        assertThat(newCursor("never-saved").findNextBlock()).isEmpty();
    }

    @Test
    void cursorShouldGiveTheLastBlockSaved() {
        // given
        EventCursorStore cursor = newCursor("saved-twice");

        // when
        cursor.saveNextBlock(10);
        cursor.saveNextBlock(25);

        // then
        assertThat(cursor.findNextBlock()).hasValue(25);
    }

    @Test
    void cursorShouldKeepBlockZero() {
        // given
        EventCursorStore cursor = newCursor("from-genesis");

        // when
        cursor.saveNextBlock(0);

        // then
        assertThat(cursor.findNextBlock()).hasValue(0);
    }
}
