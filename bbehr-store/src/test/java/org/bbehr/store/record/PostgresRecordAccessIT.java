package org.bbehr.store.record;

import java.time.Clock;
import org.bbehr.core.access.RecordAccessContractTest;
import org.bbehr.core.record.RecordStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The door's contract on a real, embedded PostgreSQL: labels stored with the versions, access clauses in the SQL. */
class PostgresRecordAccessIT extends RecordAccessContractTest {

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @Override
    protected RecordStore newStore(Clock clock) {
        return PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), clock);
    }
}
