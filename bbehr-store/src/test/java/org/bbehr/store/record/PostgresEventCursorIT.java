package org.bbehr.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.bbehr.core.ledger.EventCursorStore;
import org.bbehr.core.ledger.EventCursorStoreContractTest;
import org.bbehr.store.postgres.PostgresEventCursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event feeds' positions in a real, embedded PostgreSQL: kept across new instances, one per feed name. */
class PostgresEventCursorIT extends EventCursorStoreContractTest {

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @Override
    protected EventCursorStore newCursor(String feed) {
        return new PostgresEventCursor(STORE.dataSource(), feed);
    }

    @Test
    void positionShouldOutliveTheInstanceThatSavedIt() {
        // given
        newCursor("consents").saveNextBlock(1_234);

        // when
        EventCursorStore afterRestart = newCursor("consents");

        // then
        assertThat(afterRestart.findNextBlock()).hasValue(1_234);
    }

    @Test
    void feedsShouldKeepTheirOwnPositions() {
        // given
        newCursor("consents").saveNextBlock(7);
        newCursor("directory").saveNextBlock(9);

        // when / then
        assertThat(newCursor("consents").findNextBlock()).hasValue(7);
        assertThat(newCursor("directory").findNextBlock()).hasValue(9);
    }
}
