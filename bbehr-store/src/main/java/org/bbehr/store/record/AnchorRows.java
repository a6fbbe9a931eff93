package org.bbehr.store.record;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.crypto.Bytes32;

/**
 * A record version's anchoring read in the same statement as the version (aliased {@code v}): the state of the batch
 * that holds its leaf, else pending while its outbox row waits for a batch, else nothing (written before anchoring).
 */
final class AnchorRows {

    /** The joins to add after the version's table. */
    static final String JOIN = " LEFT JOIN anchor_leaves l ON l.kind = 0 AND l.type = v.type AND l.id = v.id"
            + " AND l.version = v.version LEFT JOIN anchor_batches b ON b.id = l.batch_id";
    /** The columns to add to the select list, read by {@link #state}. */
    static final String COLUMNS = ", l.batch_id IS NOT NULL, b.anchored, b.root, b.anchored_tx, b.block,"
            + " CASE WHEN l.batch_id IS NULL THEN EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 0"
            + " AND o.type = v.type AND o.id = v.id AND o.version = v.version) ELSE false END";

    private AnchorRows() {}

    /** The state in the {@link #COLUMNS} that start at column {@code first}. */
    static Optional<AnchorState> state(ResultSet row, int first) throws SQLException {
        if (row.getBoolean(first)) {
            return Optional.of(row.getBoolean(first + 1) ? new AnchorState(true, Bytes32.wrap(row.getBytes(first + 2)),
                    Bytes32.wrap(row.getBytes(first + 3)), row.getLong(first + 4)) : AnchorState.PENDING);
        }
        return row.getBoolean(first + 5) ? Optional.of(AnchorState.PENDING) : Optional.empty();
    }
}
