package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
        Row row = rowOf(value);
        List<List<String>> target = columns.get(row.table().ordinal());
        target.get(0).add(key.type());
        target.get(1).add(key.id());
        for (int i = 0; i < row.values().length; i++) {
            target.get(i + 2).add(row.values()[i]);
        }
    }

    /** A search row: its table and its values from {@code param} on, as they are inserted. */
    private record Row(Table table, String... values) {}

    private static Row rowOf(IndexValue value) {
        return switch (value) {
            case IndexValue.Token t -> new Row(Table.TOKEN, t.param(), t.system(), t.code());
            case IndexValue.Blind b -> new Row(Table.BLIND, b.param(), b.token());
            case IndexValue.Text t -> new Row(Table.STRING, t.param(), t.normalized());
            case IndexValue.Date d -> new Row(Table.DATE, d.param(), time(d.low()), time(d.high()));
            case IndexValue.Number n -> new Row(Table.NUMBER, n.param(), n.low().toPlainString(),
                    n.high().toPlainString(), n.system(), n.code());
            case IndexValue.Uri u -> new Row(Table.URI, u.param(), u.uri());
            case IndexValue.Reference r -> new Row(Table.REFERENCE, r.param(), r.targetType(), r.targetId(), r.url());
        };
    }

    /** The search rows of {@code entries} in the canonical form of {@link IndexSeal}. */
    static void canonicalRows(IndexEntries entries, List<String> out) {
        for (IndexValue value : entries.values()) {
            Row row = rowOf(value);
            String[] values = row.values().clone();
            for (int i = 1; i < values.length; i++) {
                if (row.table().columnsAndTypes[2 * i - 1].equals("timestamptz")) {
                    values[i] = micros(Instant.parse(values[i]));
                }
            }
            out.add(IndexSeal.canonical(row.table().name, values));
        }
    }

    /**
     * Adds the canonical form of every search row of {@code resources}, as the database holds them now, to their
     * lists in {@code out} (created as needed).
     */
    static void canonicalRows(Connection connection, Collection<ResourceKey> resources,
            Map<ResourceKey, List<String>> out) throws SQLException {
        for (Table table : Table.values()) {
            StringBuilder sql = new StringBuilder("SELECT type, id, param");
            for (int i = 0; i < table.columnsAndTypes.length; i += 2) {
                String column = table.columnsAndTypes[i];
                sql.append(", ").append(table.columnsAndTypes[i + 1].equals("timestamptz")
                        ? "(extract(epoch FROM " + column + ") * 1000000)::bigint::text" : column + "::text");
            }
            sql.append(" FROM ").append(table.name).append(" WHERE ").append(Keys.IN_KEYS);
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                Keys.bind(connection, select, 1, resources);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String[] values = new String[table.width() - 2];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rows.getString(i + 3);
                        }
                        out.computeIfAbsent(new ResourceKey(rows.getString(1), rows.getString(2)),
                                k -> new ArrayList<>()).add(IndexSeal.canonical(table.name, values));
                    }
                }
            }
        }
    }

    /** An instant as microseconds since the epoch, the precision PostgreSQL keeps. */
    static String micros(Instant instant) {
        return Long.toString(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                instant.getNano() / 1_000));
    }

    /** An instant as PostgreSQL reads a timestamptz, clamped to the range it can hold, to the microsecond. */
    static String time(Instant instant) {
        if (instant.isBefore(SearchSql.EARLIEST)) {
            return SearchSql.EARLIEST.toString();
        }
        return instant.isAfter(SearchSql.LATEST) ? SearchSql.LATEST.toString()
                : instant.truncatedTo(ChronoUnit.MICROS).toString();
    }
}
