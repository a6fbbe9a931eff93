package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import org.bbehr.core.record.ResourceKey;

/** Binds a set of resource keys to one statement as two parallel arrays, for {@link #IN_KEYS}. */
final class Keys {

    /** Matches rows whose {@code (type, id)} is one of the keys bound by {@link #bind}. */
    static final String IN_KEYS = "(type, id) IN (SELECT * FROM unnest(?::text[], ?::text[]))";

    private Keys() {}

    /** Binds {@code keys} to parameters {@code index} (types) and {@code index + 1} (ids). */
    static void bind(Connection connection, PreparedStatement statement, int index, Collection<ResourceKey> keys)
            throws SQLException {
        statement.setArray(index, connection.createArrayOf("text",
                keys.stream().map(ResourceKey::type).toArray(String[]::new)));
        statement.setArray(index + 1, connection.createArrayOf("text",
                keys.stream().map(ResourceKey::id).toArray(String[]::new)));
    }
}
