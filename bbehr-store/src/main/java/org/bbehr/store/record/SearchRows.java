package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;

/**
 * The search parameter rows of current, not deleted versions, one table per kind of parameter. Each of
 * {@link #delete} and {@link #insert} is one statement, whatever the number of rows.
 */
final class SearchRows {

    /** A search table: its name and the columns after {@code type, id, param}, with their SQL array types. */
    private enum Table {
        TOKEN("search_token", "system", "text", "code", "text"),
        BLIND("search_blind", "token", "text"),
        STRING("search_string", "value", "text"),
        DATE("search_date", "low", "timestamptz", "high", "timestamptz"),
        NUMBER("search_number", "low", "numeric", "high", "numeric", "system", "text", "code", "text"),
        URI("search_uri", "uri", "text"),
        REFERENCE("search_reference", "target_type", "text", "target_id", "text", "url", "text");

        final String name;
        final String[] columnsAndTypes;

        Table(String name, String... columnsAndTypes) {
            this.name = name;
            this.columnsAndTypes = columnsAndTypes;
        }

        int width() {
            return 3 + columnsAndTypes.length / 2;
        }
    }

    private SearchRows() {}

    /** Removes every search row of {@code resources}. */
    static void delete(Connection connection, Collection<ResourceKey> resources) throws SQLException {
        if (resources.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("WITH k (type, id) AS (SELECT * FROM unnest(?::text[], ?::text[]))");
        for (Table table : Table.values()) {
            sql.append(", d_").append(table.name).append(" AS (DELETE FROM ").append(table.name)
                    .append(" t USING k WHERE t.type = k.type AND t.id = k.id)");
        }
        sql.append(" SELECT 1");
        try (PreparedStatement delete = connection.prepareStatement(sql.toString())) {
            Keys.bind(connection, delete, 1, resources);
            delete.executeQuery().close();
        }
    }

    /** Adds the search rows of resources whose current version is not a deletion. */
    static void insert(Connection connection, Map<ResourceKey, IndexEntries> current) throws SQLException {
        List<List<List<String>>> columns = new ArrayList<>();
        for (Table table : Table.values()) {
            List<List<String>> empty = new ArrayList<>();
            for (int i = 0; i < table.width(); i++) {
                empty.add(new ArrayList<>());
            }
            columns.add(empty);
        }
        for (Map.Entry<ResourceKey, IndexEntries> entry : current.entrySet()) {
            for (IndexValue value : entry.getValue().values()) {
                add(columns, entry.getKey(), value);
            }
        }
        StringBuilder sql = new StringBuilder();
        List<List<String>> parameters = new ArrayList<>();
        for (Table table : Table.values()) {
            List<List<String>> rows = columns.get(table.ordinal());
            if (rows.getFirst().isEmpty()) {
                continue;
            }
            sql.append(sql.isEmpty() ? "WITH " : ", ").append("i_").append(table.name).append(" AS (")
                    .append(insertInto(table)).append(')');
            parameters.addAll(rows);
        }
        if (parameters.isEmpty()) {
            return;
        }
        sql.append(" SELECT 1");
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                insert.setArray(i + 1, connection.createArrayOf("text", parameters.get(i).toArray()));
            }
            insert.executeQuery().close();
        }
    }

    private static String insertInto(Table table) {
        StringBuilder columns = new StringBuilder("type, id, param");
        StringBuilder arrays = new StringBuilder("?::text[], ?::text[], ?::text[]");
        for (int i = 0; i < table.columnsAndTypes.length; i += 2) {
            columns.append(", ").append(table.columnsAndTypes[i]);
            arrays.append(", ?::").append(table.columnsAndTypes[i + 1]).append("[]");
        }
        return "INSERT INTO " + table.name + " (" + columns + ") SELECT * FROM unnest(" + arrays + ")";
    }

    private static void add(List<List<List<String>>> columns, ResourceKey key, IndexValue value) {
        switch (value) {
            case IndexValue.Token t -> row(columns, Table.TOKEN, key, t.param(), t.system(), t.code());
            case IndexValue.Blind b -> row(columns, Table.BLIND, key, b.param(), b.token());
            case IndexValue.Text t -> row(columns, Table.STRING, key, t.param(), t.normalized());
            case IndexValue.Date d -> row(columns, Table.DATE, key, d.param(), time(d.low()), time(d.high()));
            case IndexValue.Number n -> row(columns, Table.NUMBER, key, n.param(), n.low().toPlainString(),
                    n.high().toPlainString(), n.system(), n.code());
            case IndexValue.Uri u -> row(columns, Table.URI, key, u.param(), u.uri());
            case IndexValue.Reference r -> row(columns, Table.REFERENCE, key, r.param(), r.targetType(),
                    r.targetId(), r.url());
        }
    }

    private static void row(List<List<List<String>>> columns, Table table, ResourceKey key, String... values) {
        List<List<String>> target = columns.get(table.ordinal());
        target.get(0).add(key.type());
        target.get(1).add(key.id());
        for (int i = 0; i < values.length; i++) {
            target.get(i + 2).add(values[i]);
        }
    }

    /** An instant as PostgreSQL reads a timestamptz, clamped to the range it can hold. */
    static String time(Instant instant) {
        if (instant.isBefore(SearchSql.EARLIEST)) {
            return SearchSql.EARLIEST.toString();
        }
        return instant.isAfter(SearchSql.LATEST) ? SearchSql.LATEST.toString() : instant.toString();
    }
}
