package org.bbehr.store.record;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.bbehr.core.consent.Category;
import org.bbehr.core.record.AccessLabels;

/**
 * A version's access labels in its row (and in its resource's row, for the current version): {@code compartment}, the
 * Patients' ids as a {@code text[]}, and {@code category}, the category's bit number as a {@code smallint}.
 */
final class Labels {

    private static final Category[] CATEGORIES = Category.values();

    private Labels() {}

    /** The labels in columns {@code first} (compartment) and {@code first + 1} (category). */
    static AccessLabels read(ResultSet row, int first) throws SQLException {
        Array compartment = row.getArray(first);
        int category = row.getInt(first + 1);
        if (row.wasNull() || category < 0 || category >= CATEGORIES.length) {
            return AccessLabels.UNLABELLED;
        }
        Set<String> patients = compartment == null ? Set.of()
                : Set.copyOf(java.util.Arrays.asList((String[]) compartment.getArray()));
        return new AccessLabels(patients, CATEGORIES[category]);
    }

    /** Binds the labels to parameters {@code first} (compartment) and {@code first + 1} (category). */
    static void bind(Connection connection, PreparedStatement statement, int first, AccessLabels labels)
            throws SQLException {
        statement.setArray(first, connection.createArrayOf("text", labels.compartment().toArray()));
        statement.setShort(first + 1, (short) labels.category().ordinal());
    }
}
