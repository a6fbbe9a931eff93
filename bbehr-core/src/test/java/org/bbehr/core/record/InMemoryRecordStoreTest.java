package org.bbehr.core.record;

import org.bbehr.core.memory.InMemoryRecordStore;

import java.time.Clock;

class InMemoryRecordStoreTest extends RecordStoreContractTest {

    @Override
    protected RecordStore newStore(Clock clock) {
        return new InMemoryRecordStore(clock);
    }
}
