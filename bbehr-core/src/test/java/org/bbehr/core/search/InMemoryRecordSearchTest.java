package org.bbehr.core.search;

import java.time.Clock;
import org.bbehr.core.memory.InMemoryRecordStore;
import org.bbehr.core.record.RecordStore;

class InMemoryRecordSearchTest extends RecordSearchContractTest {

    @Override
    protected RecordStore newStore(Clock clock) {
        return new InMemoryRecordStore(clock);
    }
}
