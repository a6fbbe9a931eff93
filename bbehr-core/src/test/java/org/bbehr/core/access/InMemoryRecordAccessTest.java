package org.bbehr.core.access;

import java.time.Clock;
import org.bbehr.core.memory.InMemoryRecordStore;
import org.bbehr.core.record.RecordStore;

/** The door's contract on the in-memory store. */
class InMemoryRecordAccessTest extends RecordAccessContractTest {

    @Override
    protected RecordStore newStore(Clock clock) {
        return new InMemoryRecordStore(clock);
    }
}
