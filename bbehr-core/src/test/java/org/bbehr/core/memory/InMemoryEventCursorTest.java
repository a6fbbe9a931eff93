package org.bbehr.core.memory;

import org.bbehr.core.ledger.EventCursorStore;
import org.bbehr.core.ledger.EventCursorStoreContractTest;

class InMemoryEventCursorTest extends EventCursorStoreContractTest {

    @Override
    protected EventCursorStore newCursor(String feed) {
        return new InMemoryEventCursor();
    }
}
