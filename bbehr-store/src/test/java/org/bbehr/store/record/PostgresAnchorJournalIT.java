package org.bbehr.store.record;

import org.bbehr.core.anchor.AnchorJournalContractTest;
import org.bbehr.core.record.RecordStoreContractTest.TickingClock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The anchoring journal's contract on a real, embedded PostgreSQL, its leaves written with the store's versions. */
class PostgresAnchorJournalIT extends AnchorJournalContractTest {

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @Override
    protected Journal newJournal(TickingClock clock) {
        return new Journal(new PostgresAnchorJournal(STORE.dataSource(), STORE.keys(), clock),
                PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), clock));
    }
}
