package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchoredReads.AnchoredVersion;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.StoredVersion;

/**
 * The store's reads. Each is one statement, so it sees one snapshot: a resource's state, its versions and its data
 * key agree even while it is being written or erased.
 */
final class VersionReads {

    private static final String VERSION_COLUMNS = "v.type, v.id, v.version, v.last_updated, v.deleted, v.ciphertext,"
            + " k.wrapped, v.compartment, v.category";
    private static final int VERSION_COLUMN_COUNT = 9;
    private static final String WITH_DATA_KEY = " LEFT JOIN data_keys k ON k.type = v.type AND k.id = v.id";
    /** Where {@link #VERSION_COLUMNS} start in {@link #FIND}: after the resource's erased flag and current version. */
    private static final int FIRST_VERSION_COLUMN = 3;
    private static final String FIND = findStatement("", "");
    private static final String FIND_ANCHORED = findStatement(AnchorRows.COLUMNS, AnchorRows.JOIN);

    private final DataKeys dataKeys;

    VersionReads(DataKeys dataKeys) {
        this.dataKeys = dataKeys;
    }

    /** Whether the resource exists and is not deleted; like reading its current version, refused once erased. */
    boolean isLive(Connection c, ResourceKey key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT deleted, erased FROM resources WHERE type = ? AND id = ?")) {
            select.setString(1, key.type());
            select.setString(2, key.id());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                if (row.getBoolean(2)) {
                    throw erased(key);
                }
                return !row.getBoolean(1);
            }
        }
    }

    /** The current version ({@code version} null) or one version, or empty when there is none. */
    Optional<StoredVersion> find(Connection c, ResourceKey key, Long version) throws SQLException {
        return find(c, FIND, key, version, row -> decrypt(row, FIRST_VERSION_COLUMN));
    }

    /** Like {@link #find}, with the version's anchoring read in the same statement. */
    Optional<AnchoredVersion> findAnchored(Connection c, ResourceKey key, Long version) throws SQLException {
        return find(c, FIND_ANCHORED, key, version, row -> new AnchoredVersion(decrypt(row, FIRST_VERSION_COLUMN),
                AnchorRows.state(row, FIRST_VERSION_COLUMN + VERSION_COLUMN_COUNT)));
    }

    /** Reads a version's columns (and any after them) from a row of {@link #find}. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    private static String findStatement(String columns, String joins) {
        return "SELECT r.erased, r.current_version, " + VERSION_COLUMNS + columns
                + " FROM resources r LEFT JOIN versions v ON v.type = r.type AND v.id = r.id"
                + " AND v.version = COALESCE(?::bigint, r.current_version)"
                + WITH_DATA_KEY + joins + " WHERE r.type = ? AND r.id = ?";
    }

    private <T> Optional<T> find(Connection c, String sql, ResourceKey key, Long version, Row<T> reader)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setObject(1, version);
            select.setString(2, key.type());
            select.setString(3, key.id());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                if (row.getBoolean(1)) {
                    throw erased(key);
                }
                if (row.getObject(FIRST_VERSION_COLUMN) != null) {
                    return Optional.of(reader.read(row));
                }
                if (version != null && (version < 1 || version > row.getLong(2))) {
                    return Optional.empty();
                }
                throw new BbehrException(ErrorCode.RECORD_TAMPERED, "a stored version of " + key + " is missing");
            }
        }
    }

    /** The current versions of {@code keys} that are live (not deleted, not erased), in the order of the keys. */
    List<StoredVersion> findLive(Connection c, List<ResourceKey> keys) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + VERSION_COLUMNS
                + " FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS wanted (type, id, n)"
                + " JOIN resources r ON r.type = wanted.type AND r.id = wanted.id AND NOT r.deleted AND NOT r.erased"
                + " JOIN versions v ON v.type = r.type AND v.id = r.id AND v.version = r.current_version"
                + WITH_DATA_KEY + " ORDER BY wanted.n")) {
            Keys.bind(c, select, 1, keys);
            List<StoredVersion> versions = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.add(decrypt(rows, 1));
                }
            }
            return versions;
        }
    }

    /** A page of one resource's versions, read with the resource's state in one statement (one snapshot). */
    List<StoredVersion> history(Connection c, ResourceKey key, Instant since, int offset, int count)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT r.erased, " + VERSION_COLUMNS
                + " FROM resources r LEFT JOIN LATERAL (SELECT * FROM versions v WHERE v.type = r.type AND v.id = r.id"
                + " AND (?::timestamptz IS NULL OR v.last_updated > ?::timestamptz)"
                + " ORDER BY v.last_updated DESC, v.version DESC OFFSET ? LIMIT ?) v ON true"
                + WITH_DATA_KEY + " WHERE r.type = ? AND r.id = ? ORDER BY v.last_updated DESC, v.version DESC")) {
            OffsetDateTime after = since == null ? null : OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
            select.setObject(1, after);
            select.setObject(2, after);
            select.setInt(3, offset);
            select.setInt(4, count);
            select.setString(5, key.type());
            select.setString(6, key.id());
            List<StoredVersion> versions = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getBoolean(1)) {
                        throw erased(key);
                    }
                    if (rows.getObject(2) != null) {
                        versions.add(decrypt(rows, 2));
                    }
                }
            }
            return versions;
        }
    }

    /** A page of versions of every resource that is not erased, of one type or all. */
    List<StoredVersion> typeHistory(Connection c, String type, Instant since, int offset, int count)
            throws SQLException {
        String sql = "SELECT " + VERSION_COLUMNS + " FROM versions v JOIN resources r ON r.type = v.type AND r.id = v.id"
                + WITH_DATA_KEY + " WHERE NOT r.erased" + (type == null ? "" : " AND v.type = ?")
                + (since == null ? "" : " AND v.last_updated > ?")
                + " ORDER BY v.last_updated DESC, v.version DESC, v.type, v.id OFFSET ? LIMIT ?";
        try (PreparedStatement select = c.prepareStatement(sql)) {
            int index = 1;
            if (type != null) {
                select.setString(index++, type);
            }
            if (since != null) {
                select.setObject(index++, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            }
            select.setInt(index++, offset);
            select.setInt(index, count);
            List<StoredVersion> versions = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.add(decrypt(rows, 1));
                }
            }
            return versions;
        }
    }

    /** Decrypts the version whose {@link #VERSION_COLUMNS} start at column {@code first}. */
    private StoredVersion decrypt(ResultSet row, int first) throws SQLException {
        ResourceKey key = new ResourceKey(row.getString(first), row.getString(first + 1));
        long version = row.getLong(first + 2);
        Instant lastUpdated = row.getObject(first + 3, OffsetDateTime.class).toInstant();
        byte[] content = dataKeys.open(key, row.getBytes(first + 6)).open(key, version, row.getBytes(first + 5))
                .content();
        return new StoredVersion(key, version, lastUpdated, row.getBoolean(first + 4), content,
                Labels.read(row, first + 7));
    }

    private static BbehrException erased(ResourceKey key) {
        return new BbehrException(ErrorCode.RECORD_ERASED, key + " was erased");
    }
}
