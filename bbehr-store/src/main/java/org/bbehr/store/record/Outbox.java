package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.bbehr.core.record.StoredVersion;

/** The outbox: one row per written version, added in the transaction that writes it, for the anchorer to take. */
final class Outbox {

    private Outbox() {}

    static void add(Connection connection, List<StoredVersion> versions, OffsetDateTime createdAt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (type, id, version, created_at) VALUES (?, ?, ?, ?)")) {
            for (StoredVersion version : versions) {
                insert.setString(1, version.key().type());
                insert.setString(2, version.key().id());
                insert.setLong(3, version.version());
                insert.setObject(4, createdAt);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
