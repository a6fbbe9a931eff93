package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;

/** The index rows of current, not deleted versions: identifier tokens, references and search rows. */
final class IndexRows {

    private static final String IN_SOURCES = "(source_type, source_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))";
    private static final String IN_TARGETS = "(target_type, target_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))";

    private IndexRows() {}

    /** Removes every index row of {@code resources}. */
    static void delete(Connection connection, Collection<ResourceKey> resources) throws SQLException {
        if (resources.isEmpty()) {
            return;
        }
        try (PreparedStatement tokens = connection.prepareStatement(
                "DELETE FROM identifier_tokens WHERE " + Keys.IN_KEYS);
                PreparedStatement references = connection.prepareStatement(
                        "DELETE FROM resource_references WHERE " + IN_SOURCES)) {
            Keys.bind(connection, tokens, 1, resources);
            tokens.executeUpdate();
            Keys.bind(connection, references, 1, resources);
            references.executeUpdate();
        }
        SearchRows.delete(connection, resources);
    }

    /** Adds the index rows of resources whose current version is not a deletion. */
    static void insert(Connection connection, Map<ResourceKey, IndexEntries> current) throws SQLException {
        try (PreparedStatement tokens = connection.prepareStatement(
                "INSERT INTO identifier_tokens (type, id, token) VALUES (?, ?, ?)");
                PreparedStatement references = connection.prepareStatement(
                        "INSERT INTO resource_references (source_type, source_id, target_type, target_id)"
                                + " VALUES (?, ?, ?, ?)")) {
            boolean anyToken = false;
            boolean anyReference = false;
            for (Map.Entry<ResourceKey, IndexEntries> entry : current.entrySet()) {
                ResourceKey source = entry.getKey();
                for (String token : entry.getValue().identifierTokens()) {
                    tokens.setString(1, source.type());
                    tokens.setString(2, source.id());
                    tokens.setString(3, token);
                    tokens.addBatch();
                    anyToken = true;
                }
                for (ResourceKey target : entry.getValue().references()) {
                    references.setString(1, source.type());
                    references.setString(2, source.id());
                    references.setString(3, target.type());
                    references.setString(4, target.id());
                    references.addBatch();
                    anyReference = true;
                }
            }
            if (anyToken) {
                tokens.executeBatch();
            }
            if (anyReference) {
                references.executeBatch();
            }
        }
        SearchRows.insert(connection, current);
    }

    /**
     * Refuses the deletion of resources that a current resource still references.
     *
     * @throws BbehrException {@code RECORD_REFERENCED}, naming one referencing resource
     */
    static void requireUnreferenced(Connection connection, Collection<ResourceKey> deleted) throws SQLException {
        if (deleted.isEmpty()) {
            return;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT source_type, source_id, target_type, target_id FROM resource_references WHERE " + IN_TARGETS
                        + " ORDER BY target_type, target_id, source_type, source_id LIMIT 1")) {
            Keys.bind(connection, select, 1, deleted);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    throw new BbehrException(ErrorCode.RECORD_REFERENCED, row.getString(3) + "/" + row.getString(4)
                            + " is still referenced by " + row.getString(1) + "/" + row.getString(2)
                            + "; delete or update the referencing resource first, or in the same batch");
                }
            }
        }
    }

    /** Current, not deleted resources of {@code type} with an identifier whose token is one of {@code tokens}. */
    static List<ResourceKey> findByIdentifier(Connection c, String type, List<String> tokens) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT type, id FROM identifier_tokens"
                + " WHERE type = ? AND token = ANY(?::text[]) ORDER BY id")) {
            select.setString(1, type);
            select.setArray(2, c.createArrayOf("text", tokens.toArray()));
            return keys(select);
        }
    }

    /** Current, not deleted resources that reference {@code target}. */
    static List<ResourceKey> findReferencing(Connection c, ResourceKey target) throws SQLException {
        return keys(c, "SELECT source_type, source_id FROM resource_references WHERE target_type = ? AND target_id = ?"
                + " ORDER BY source_type, source_id", target.type(), target.id());
    }

    private static List<ResourceKey> keys(Connection c, String sql, String first, String second) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setString(1, first);
            select.setString(2, second);
            return keys(select);
        }
    }

    private static List<ResourceKey> keys(PreparedStatement select) throws SQLException {
        List<ResourceKey> keys = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.add(new ResourceKey(rows.getString(1), rows.getString(2)));
            }
        }
        return keys;
    }
}
