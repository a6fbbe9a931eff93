package org.bbehr.store.record;

import java.time.Clock;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.RecordStoreContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The record store contract on a real, embedded PostgreSQL. */
class PostgresRecordStoreIT extends RecordStoreContractTest {

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @Override
    protected RecordStore newStore(Clock clock) {
        return PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), clock);
    }
}
