package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Test access to the store's tables behind its back. */
final class Tables {

    private Tables() {}

    /** Empties every table of the store (not Flyway's history). */
    static void truncateAll(DataSource dataSource) {
        execute(dataSource, "TRUNCATE resources, versions, data_keys, identifier_tokens, resource_references, outbox,"
                + " search_token, search_blind, search_string, search_date, search_number, search_uri, search_reference,"
                + " erasures, key_check, anchor_leaves, anchor_batches, blind_index_rotation, event_cursors");
    }

    static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long count(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                var row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
