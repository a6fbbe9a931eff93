package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bbehr.core.BbehrException;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.ErasureMarker;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.verify.AnchoredLeaf;
import org.bbehr.core.verify.EvidenceSource;
import org.bbehr.core.verify.VerifyScope;
import org.bbehr.core.verify.VersionEvidence;
import org.bbehr.store.crypto.DataKey;

/**
 * The store's evidence for verification, read in one snapshot with a cursor: every version 1..current of each
 * resource (so a deleted row shows as missing), decrypted a page at a time in parallel, with its outbox row, its leaf
 * and batch, and the resource's erasure marker. Over the whole store it also reports leaves whose version is gone.
 */
final class PostgresEvidence implements EvidenceSource {

    private static final int PAGE = 2_000;
    // a refused batch (its leaves do not make its root) counts as sent, so its root is looked up and not found
    private static final String LEAF_COLUMNS = "l.content_hash, l.proof, b.hospital_id, b.root,"
            + " b.anchored OR b.refused_at IS NOT NULL,"
            + " COALESCE(b.anchored_tx, b.tx_hash), b.block";
    private static final String VERSIONS = "SELECT r.type, r.id, g.v, r.erased, v.version IS NOT NULL, v.ciphertext,"
            + " k.wrapped, o.content_hash, " + LEAF_COLUMNS + ", g.v = r.current_version, r.index_seal,"
            + " r.deleted, v.deleted, r.state_seq, CASE WHEN g.v = r.current_version THEN "
            + IndexSeal.RECORDED_STATE_SEQ + " END,"
            + " g.v = r.current_version AND (EXISTS (SELECT 1 FROM versions x WHERE x.type = r.type AND x.id = r.id"
            + " AND x.version > r.current_version) OR EXISTS (SELECT 1 FROM anchor_leaves x WHERE x.kind = 0"
            + " AND x.type = r.type AND x.id = r.id AND x.version > r.current_version) OR EXISTS (SELECT 1 FROM"
            + " outbox x WHERE x.kind = 0 AND x.type = r.type AND x.id = r.id AND x.version > r.current_version))"
            // (a current version far beyond the stored ones would walk for ever: one missing version names it)
            + " FROM resources r CROSS JOIN LATERAL generate_series(1::bigint, LEAST(r.current_version, COALESCE("
            + "(SELECT max(m.version) FROM versions m WHERE m.type = r.type AND m.id = r.id), 0) + 1)) AS g(v)"
            + " LEFT JOIN versions v ON v.type = r.type AND v.id = r.id AND v.version = g.v"
            + " LEFT JOIN data_keys k ON k.type = r.type AND k.id = r.id"
            + " LEFT JOIN outbox o ON o.kind = 0 AND o.type = r.type AND o.id = r.id AND o.version = g.v"
            + " LEFT JOIN anchor_leaves l ON l.kind = 0 AND l.type = r.type AND l.id = r.id AND l.version = g.v"
            + " LEFT JOIN anchor_batches b ON b.id = l.batch_id";
    private static final String ORPHANED_LEAVES = "SELECT l.type, l.id, l.version, " + LEAF_COLUMNS
            + " FROM anchor_leaves l JOIN anchor_batches b ON b.id = l.batch_id"
            + " LEFT JOIN resources r ON r.type = l.type AND r.id = l.id"
            + " WHERE l.kind = 0 AND (r.type IS NULL OR l.version > r.current_version) ORDER BY l.type, l.id, l.version";

    /**
     * A row as read, before decryption; {@code current}: the resource's current version, whose seal covers the
     * resource's index rows (none for a deletion) and state; {@code resourceDeleted} and {@code versionDeleted} as
     * the resource's row and the version's row say.
     */
    private record Row(ResourceKey key, long version, boolean erased, boolean present, byte[] ciphertext,
            byte[] wrapped, Bytes32 pendingHash, AnchoredLeaf leaf, boolean current, byte[] indexSeal,
            boolean resourceDeleted, boolean versionDeleted, long stateSeq, long recordedStateSeq,
            boolean newerStored) {}

    private final Transactions transactions;
    private final DataKeys dataKeys;

    @Override
    public Optional<StoredBatch> findBatch(int hospitalId, Bytes32 root) {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id, padding FROM anchor_batches"
                    + " WHERE hospital_id = ? AND root = ?")) {
                select.setInt(1, hospitalId);
                select.setBytes(2, root.toArray());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<StoredBatch>empty();
                    }
                    return Optional.of(new StoredBatch(PostgresAnchorJournal.manifest(c, row.getLong(1),
                            row.getBytes(2))));
                }
            }
        });
    }

    @Override
    public List<Bytes32> anchoredRoots(int hospitalId) {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT root FROM anchor_batches"
                    + " WHERE hospital_id = ? AND anchored ORDER BY id")) {
                select.setInt(1, hospitalId);
                List<Bytes32> roots = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        roots.add(Bytes32.wrap(row.getBytes(1)));
                    }
                }
                return roots;
            }
        });
    }

    PostgresEvidence(Transactions transactions, DataKeys dataKeys) {
        this.transactions = transactions;
        this.dataKeys = dataKeys;
    }

    @Override
    public long count(VerifyScope scope) {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT COALESCE(sum(current_version), 0)"
                    + " FROM resources r" + where(scope))) {
                bind(c, select, scope);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    @Override
    public void forEachPage(VerifyScope scope, Consumer<List<VersionEvidence>> page) {
        transactions.inTransaction(c -> {
            c.setReadOnly(true);
            // one snapshot for the versions and the index rows read page by page
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Map<ResourceKey, VersionEvidence.Erasure> erasures = Erasures.load(c, dataKeys.kek());
            try (PreparedStatement select = c.prepareStatement(VERSIONS + where(scope)
                    + " ORDER BY r.type, r.id, g.v")) {
                select.setFetchSize(PAGE);
                // server-prepared from the first run, so ciphertexts arrive as binary, not as hex text to decode
                select.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                bind(c, select, scope);
                try (ResultSet rows = select.executeQuery()) {
                    List<Row> batch = new ArrayList<>(PAGE);
                    while (rows.next()) {
                        batch.add(row(rows));
                        if (batch.size() == PAGE) {
                            page.accept(open(c, batch, erasures));
                            batch.clear();
                        }
                    }
                    if (!batch.isEmpty()) {
                        page.accept(open(c, batch, erasures));
                    }
                }
            }
            if (scope instanceof VerifyScope.Everything) {
                page.accept(orphanedLeaves(c));
            }
            return null;
        });
    }

    private static String where(VerifyScope scope) {
        return scope instanceof VerifyScope.Resources ? " WHERE (r.type, r.id) IN (SELECT * FROM"
                + " unnest(?::text[], ?::text[]))" : "";
    }

    private static void bind(Connection c, PreparedStatement statement, VerifyScope scope) throws SQLException {
        if (scope instanceof VerifyScope.Resources resources) {
            Keys.bind(c, statement, 1, resources.keys());
        }
    }

    private static Row row(ResultSet rows) throws SQLException {
        byte[] pending = rows.getBytes(8);
        return new Row(new ResourceKey(rows.getString(1), rows.getString(2)), rows.getLong(3), rows.getBoolean(4),
                rows.getBoolean(5), rows.getBytes(6), rows.getBytes(7), pending == null ? null : Bytes32.wrap(pending),
                leaf(rows, 9), rows.getBoolean(16), rows.getBytes(17), rows.getBoolean(18), rows.getBoolean(19),
                rows.getLong(20), rows.getLong(21), rows.getBoolean(22));
    }

    /** The leaf whose {@link #LEAF_COLUMNS} start at column {@code first}, or null when there is none. */
    static AnchoredLeaf leaf(ResultSet rows, int first) throws SQLException {
        byte[] contentHash = rows.getBytes(first);
        if (contentHash == null) {
            return null;
        }
        try {
            List<Bytes32> proof = Proofs.decode(rows.getBytes(first + 1));
            return new AnchoredLeaf(rows.getInt(first + 2), Bytes32.wrap(contentHash),
                    proof == null ? List.of() : proof, Bytes32.wrap(rows.getBytes(first + 3)),
                    rows.getBoolean(first + 4), Bytes32.wrap(rows.getBytes(first + 5)), rows.getLong(first + 6));
        } catch (RuntimeException malformed) {
            // a leaf or batch row no leaf can be read from (made up): as if there were none, so the version is named
            return null;
        }
    }

    /**
     * Unwraps each resource's data key once, then decrypts the page's versions and checks the index rows of the
     * current ones against their seals; both in parallel.
     */
    private List<VersionEvidence> open(Connection c, List<Row> rows,
            Map<ResourceKey, VersionEvidence.Erasure> erasures) throws SQLException {
        Map<ResourceKey, byte[]> digests = IndexSeal.digests(c, rows.stream()
                .filter(r -> r.current() && !r.erased()).map(Row::key).toList());
        Map<ResourceKey, byte[]> wrapped = new HashMap<>();
        rows.stream().filter(r -> r.wrapped() != null).forEach(r -> wrapped.putIfAbsent(r.key(), r.wrapped()));
        Map<ResourceKey, Object> keys = new java.util.concurrent.ConcurrentHashMap<>();
        wrapped.entrySet().parallelStream().forEach(entry -> {
            try {
                keys.put(entry.getKey(), dataKeys.unwrapForScan(entry.getKey(), entry.getValue()));
            } catch (BbehrException e) {
                keys.put(entry.getKey(), "content changed: the data key does not unwrap");
            }
        });
        return rows.parallelStream().map(row -> evidence(row, keys.get(row.key()), erasures.get(row.key()),
                digests.get(row.key()))).toList();
    }

    private static VersionEvidence evidence(Row row, Object key, VersionEvidence.Erasure erasure, byte[] digest) {
        boolean erased = row.erased() && row.wrapped() == null;
        String unreadable = null;
        DataKey.Plaintext plaintext = null;
        if (!row.present()) {
            unreadable = "version missing: its stored row was deleted";
        } else if (row.wrapped() == null) {
            unreadable = erased ? null : "data key missing and the resource is not erased";
        } else if (key instanceof String problem) {
            unreadable = problem;
        } else {
            try {
                plaintext = ((DataKey) key).open(row.key(), row.version(), row.ciphertext());
            } catch (BbehrException e) {
                unreadable = "content changed: the stored ciphertext does not decrypt (altered, or moved from"
                        + " another version)";
            }
        }
        String indexProblem = plaintext == null ? null : stateProblem(row, (DataKey) key, plaintext, digest);
        return new VersionEvidence(row.key(), row.version(), plaintext == null ? null : plaintext.salt(),
                plaintext == null ? null : plaintext.content(), unreadable, erased && row.present(),
                erasure, row.pendingHash(), row.leaf(), indexProblem);
    }

    /**
     * Why the version's deleted flag, or (for the current version) its resource's deleted flag, index rows, legal
     * hold or labels, are not what the node wrote, else null. A deletion's content is empty and no other's is (the
     * content is authenticated and anchored), so a flipped flag shows; the rest is under the resource's seal.
     */
    private static String stateProblem(Row row, DataKey key, DataKey.Plaintext plaintext, byte[] digest) {
        boolean deletion = plaintext.content().length == 0;
        if (row.versionDeleted() != deletion) {
            return deletion ? "deleted flag changed: the version is a deletion, its row says it is not"
                    : "deleted flag changed: its row marks it a deletion, but it holds content";
        }
        if (!row.current()) {
            return null;
        }
        if (row.resourceDeleted() != deletion) {
            return deletion ? "resource state changed: its current version is a deletion, its resource row says it"
                    + " is live" : "resource state changed: its resource row marks it deleted, but its current"
                    + " version holds content";
        }
        if (row.newerStored()) {
            return "resource rolled back: a version newer than its current one is stored or was anchored, so an"
                    + " older version was put back as current";
        }
        if (row.recordedStateSeq() > row.stateSeq()) {
            return "resource state put back: it is state " + row.stateSeq() + ", but state " + row.recordedStateSeq()
                    + " was recorded for anchoring: an earlier legal hold or labels were restored with their seal";
        }
        if (row.indexSeal() == null) {
            return "search index not sealed: its index rows and state carry no seal (removed, or they predate"
                    + " sealing)";
        }
        return key.indexSealMatches(row.key(), row.version(), digest, row.indexSeal()) ? null
                : "search index or state changed: its identifier, reference or search rows, its legal hold or its"
                        + " labels are not the ones the node wrote";
    }

    private static List<VersionEvidence> orphanedLeaves(Connection c) throws SQLException {
        List<VersionEvidence> orphans = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(ORPHANED_LEAVES);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                orphans.add(new VersionEvidence(new ResourceKey(rows.getString(1), rows.getString(2)),
                        rows.getLong(3), null, null, "version missing: anchored, but its resource no longer has it",
                        false, null, null, leaf(rows, 4)));
            }
        }
        return orphans;
    }

    /** The erasure markers, with their anchoring. */
    private static final class Erasures {

        static Map<ResourceKey, VersionEvidence.Erasure> load(Connection c, org.bbehr.store.crypto.Kek kek)
                throws SQLException {
            Map<ResourceKey, VersionEvidence.Erasure> found = new HashMap<>();
            try (PreparedStatement select = c.prepareStatement("SELECT e.type, e.id, e.versions, e.reason, e.actor,"
                    + " e.erased_at, e.salt, o.content_hash, " + LEAF_COLUMNS + ", e.seal FROM erasures e"
                    + " LEFT JOIN outbox o ON o.kind = 1 AND o.type = e.type AND o.id = e.id AND o.version = e.versions"
                    + " LEFT JOIN anchor_leaves l ON l.kind = 1 AND l.type = e.type AND l.id = e.id"
                    + " AND l.version = e.versions LEFT JOIN anchor_batches b ON b.id = l.batch_id"
                    + " WHERE e.versions IS NOT NULL AND e.salt IS NOT NULL");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ResourceKey key;
                    try {
                        key = new ResourceKey(rows.getString(1), rows.getString(2));
                    } catch (RuntimeException e) {
                        continue; // a row of no resource (made up): no version can be judged by it
                    }
                    ErasureMarker marker = new ErasureMarker(key, rows.getLong(3), rows.getString(4),
                            rows.getString(5), rows.getObject(6, OffsetDateTime.class).toInstant(), rows.getBytes(7));
                    byte[] pending = rows.getBytes(8);
                    boolean sealed = kek.sealMatches(Erasure.sealContext(key, marker.versions()),
                            marker.hash().toArray(), rows.getBytes(16));
                    found.put(key, new VersionEvidence.Erasure(marker, pending == null ? null : Bytes32.wrap(pending),
                            leaf(rows, 9), sealed));
                }
            }
            return found;
        }
    }
}
