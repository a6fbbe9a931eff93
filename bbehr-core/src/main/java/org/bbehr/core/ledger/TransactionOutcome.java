package org.bbehr.core.ledger;

import java.util.List;
import org.bbehr.core.crypto.Bytes32;

/** A mined, successful transaction with the consortium events it emitted. */
public record TransactionOutcome(Bytes32 hash, long blockNumber, long gasUsed, List<LedgerEvent> events) {

    /** The first event of the given type, for calls whose result is in an event (e.g. a new hospital's id). */
    public <E extends LedgerEvent> E event(Class<E> type) {
        return events.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + type.getSimpleName() + " in " + hash));
    }
}
