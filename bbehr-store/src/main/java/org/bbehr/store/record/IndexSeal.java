package org.bbehr.store.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.store.crypto.DataKey;

/**
 * The digest a resource's index rows and state are sealed under (see {@code DataKey.sealIndex}): SHA-256 over its
 * rows — identifier tokens, references and search rows — and its state (legal hold, compartment, category) as one
 * more row, each in a canonical text form (the table, then every value from the parameter on, length-prefixed;
 * timestamps as microseconds since the epoch), sorted, so the digest of the rows a write inserts equals the digest of
 * the same rows read back, and of nothing else. A deletion has no index rows: its seal covers its state alone. So
 * changing a resource's legal hold or labels in the database breaks its seal, as changing its index rows does.
 */
final class IndexSeal {

    private static final String IDENTIFIER_TOKENS = "identifier_tokens";
    private static final String REFERENCES = "resource_references";
    private static final String RESOURCES = "resources";
    /**
     * SQL: the highest state number recorded for resource row {@code r} (anchored, or waiting in the outbox); a stored
     * state below it was put back.
     */
    static final String RECORDED_STATE_SEQ = "GREATEST((SELECT max(s.version) FROM anchor_leaves s WHERE s.kind = 2"
            + " AND s.type = r.type AND s.id = r.id), (SELECT max(s.version) FROM outbox s WHERE s.kind = 2"
            + " AND s.type = r.type AND s.id = r.id))";

    private IndexSeal() {}

    /** The digest of the rows a write of {@code entries} (null for a deletion) inserts, with the resource's state. */
    static byte[] digest(IndexEntries entries, boolean legalHold, AccessLabels labels, long stateSeq) {
        List<String> rows = new ArrayList<>();
        if (entries != null) {
            entries.identifierTokens().forEach(token -> rows.add(canonical(IDENTIFIER_TOKENS, token)));
            entries.references().forEach(target -> rows.add(canonical(REFERENCES, target.type(), target.id())));
            SearchRows.canonicalRows(entries, rows);
        }
        rows.add(state(legalHold, labels.category().ordinal(), List.copyOf(labels.compartment()), stateSeq));
        return digest(rows);
    }

    /**
     * The state as a row: what {@code resources} holds beside the version, with the number of its last change; the
     * compartment's ids sorted, counted and each length-prefixed, so no other array reads the same.
     */
    private static String state(boolean legalHold, int category, List<String> compartment, long stateSeq) {
        List<String> values = new ArrayList<>(List.of(Boolean.toString(legalHold), Integer.toString(category),
                Long.toString(stateSeq), Integer.toString(compartment.size())));
        compartment.stream().map(id -> id == null ? "<null>" : id).sorted().forEach(values::add);
        return canonical(RESOURCES, values.toArray(String[]::new));
    }

    /** The hash of a resource's state as the database holds it now: a state-change leaf's content hash. */
    static org.bbehr.core.crypto.Bytes32 stateHash(Connection c, ResourceKey key) throws SQLException {
        Map<ResourceKey, String> states = new HashMap<>();
        readStates(c, List.of(key), states, new java.util.HashSet<>());
        return org.bbehr.core.crypto.Bytes32.wrap(digest(List.of(states.get(key))));
    }

    private static void readStates(Connection c, Collection<ResourceKey> resources, Map<ResourceKey, String> states,
            java.util.Set<ResourceKey> deletions) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT type, id, legal_hold, category, compartment,"
                + " deleted, state_seq FROM resources WHERE " + Keys.IN_KEYS)) {
            Keys.bind(c, select, 1, resources);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    ResourceKey key = new ResourceKey(row.getString(1), row.getString(2));
                    java.sql.Array array = row.getArray(5);
                    List<String> compartment = array == null ? List.of()
                            : java.util.Arrays.asList((String[]) array.getArray());
                    states.put(key, state(row.getBoolean(3), row.getInt(4), compartment, row.getLong(7)));
                    if (row.getBoolean(6)) {
                        deletions.add(key);
                    }
                }
            }
        }
    }

    /**
     * The digest of the rows and state of each of {@code resources} as the database holds them now (empty rows
     * included).
     */
    static Map<ResourceKey, byte[]> digests(Connection c, Collection<ResourceKey> resources) throws SQLException {
        return digests(c, resources, true);
    }

    /** The digests that seals made before the state was sealed cover: the index rows alone. */
    static Map<ResourceKey, byte[]> digestsWithoutState(Connection c, Collection<ResourceKey> resources)
            throws SQLException {
        return digests(c, resources, false);
    }

    private static Map<ResourceKey, byte[]> digests(Connection c, Collection<ResourceKey> resources,
            boolean withState) throws SQLException {
        Map<ResourceKey, List<String>> rows = new HashMap<>();
        Map<ResourceKey, String> states = new HashMap<>();
        java.util.Set<ResourceKey> deletions = new java.util.HashSet<>();
        if (withState && !resources.isEmpty()) {
            readStates(c, resources, states, deletions);
        }
        if (!resources.isEmpty()) {
            read(c, "SELECT type, id, token FROM identifier_tokens WHERE " + Keys.IN_KEYS, IDENTIFIER_TOKENS,
                    resources, rows);
            read(c, "SELECT source_type, source_id, target_type, target_id FROM resource_references WHERE"
                    + " (source_type, source_id) IN (SELECT * FROM unnest(?::text[], ?::text[]))", REFERENCES,
                    resources, rows);
            SearchRows.canonicalRows(c, resources, rows);
        }
        Map<ResourceKey, byte[]> digests = new HashMap<>();
        for (ResourceKey key : resources) {
            // a deletion has no index rows to seal (searches never read a deleted resource's): its state alone
            List<String> sealed = new ArrayList<>(deletions.contains(key) ? List.of()
                    : rows.getOrDefault(key, List.of()));
            if (states.containsKey(key)) {
                sealed.add(states.get(key));
            }
            digests.put(key, digest(sealed));
        }
        return digests;
    }

    /** Those of {@code versions} (current, by resource) whose index rows match their seal now. */
    static Map<ResourceKey, Long> intact(Connection c, Map<ResourceKey, Long> versions, Map<ResourceKey, DataKey> keys)
            throws SQLException {
        Map<ResourceKey, Long> intact = new HashMap<>();
        if (versions.isEmpty()) {
            return intact;
        }
        Map<ResourceKey, byte[]> digests = digests(c, versions.keySet());
        try (PreparedStatement select = c.prepareStatement(
                "SELECT type, id, index_seal FROM resources WHERE " + Keys.IN_KEYS)) {
            Keys.bind(c, select, 1, versions.keySet());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ResourceKey key = new ResourceKey(rows.getString(1), rows.getString(2));
                    byte[] seal = rows.getBytes(3);
                    Long version = versions.get(key);
                    if (seal != null && version != null
                            && keys.get(key).indexSealMatches(key, version, digests.get(key), seal)) {
                        intact.put(key, version);
                    }
                }
            }
        }
        return intact;
    }

    /** Seals the index rows of {@code versions} (current, by resource) as they are now. */
    static void reseal(Connection c, Map<ResourceKey, Long> versions, Map<ResourceKey, DataKey> keys)
            throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        Map<ResourceKey, byte[]> digests = digests(c, versions.keySet());
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE resources SET index_seal = ? WHERE type = ? AND id = ?")) {
            for (Map.Entry<ResourceKey, Long> entry : versions.entrySet()) {
                ResourceKey key = entry.getKey();
                update.setBytes(1, keys.get(key).sealIndex(key, entry.getValue(), digests.get(key)));
                update.setString(2, key.type());
                update.setString(3, key.id());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void read(Connection c, String sql, String table, Collection<ResourceKey> resources,
            Map<ResourceKey, List<String>> out) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            Keys.bind(c, select, 1, resources);
            try (ResultSet rows = select.executeQuery()) {
                int width = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    String[] values = new String[width - 2];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = rows.getString(i + 3);
                    }
                    out.computeIfAbsent(new ResourceKey(rows.getString(1), rows.getString(2)),
                            k -> new ArrayList<>()).add(canonical(table, values));
                }
            }
        }
    }

    /** One row: its table, then each value as {@code length:value}. */
    static String canonical(String table, String... values) {
        StringBuilder row = new StringBuilder(table);
        for (String value : values) {
            row.append('|').append(value.length()).append(':').append(value);
        }
        return row.toString();
    }

    private static byte[] digest(List<String> rows) {
        List<String> sorted = new ArrayList<>(rows);
        sorted.sort(null);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
        for (String row : sorted) {
            sha256.update(row.getBytes(UTF_8));
            sha256.update((byte) '\n');
        }
        return sha256.digest();
    }
}
