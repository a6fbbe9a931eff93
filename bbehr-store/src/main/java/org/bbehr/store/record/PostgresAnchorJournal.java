package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchorBatch;
import org.bbehr.core.anchor.AnchorJournal;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.anchor.AnchorStates;
import org.bbehr.core.anchor.PendingLeaf;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.store.crypto.NodeKeys;

/**
 * The anchorer's journal on PostgreSQL: pending leaves are the outbox rows written with the versions (and erasure
 * markers); a saved batch (tables {@code anchor_batches}, {@code anchor_leaves}: its manifest, each leaf's kind,
 * resource, version, place and proof) takes its leaves out of the outbox in the same transaction.
 */
public final class PostgresAnchorJournal implements AnchorJournal, AnchorStates {

    private static final String BATCH_COLUMNS = "id, hospital_id, root, leaf_count, tx_hash, tx_raw, tx_from,"
            + " tx_nonce, tx_gas_limit";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresAnchorJournal.class);

    private final Transactions transactions;
    private final NodeKeys keys;
    private final Clock clock;
    /** Outbox rows (by their place) never to anchor, each logged once. */
    private final java.util.Set<Long> refusedRows = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param keys the node's keys: an erasure marker is anchored only with the seal they made */
    public PostgresAnchorJournal(DataSource dataSource, NodeKeys keys, Clock clock) {
        this.transactions = new Transactions(dataSource);
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public List<PendingLeaf> findPending(int max) {
        return transactions.read(c -> {
            // an erasure marker's row must carry the node's seal, or it was made up in the database: never anchored;
            // nor is a row that no leaf can be made of, or that repeats a leaf already made (either would stop every
            // batch). Refused rows are skipped by their place in the outbox, so they cannot crowd out real leaves.
            try (PreparedStatement select = c.prepareStatement("SELECT o.seq, o.kind, o.type, o.id, o.version,"
                    + " o.content_hash, e.seal, o.seal FROM outbox o LEFT JOIN erasures e ON o.kind = 1 AND e.type = o.type"
                    + " AND e.id = o.id AND e.versions = o.version WHERE o.content_hash IS NOT NULL AND NOT EXISTS"
                    + " (SELECT 1 FROM anchor_leaves l WHERE l.kind = o.kind AND l.type = o.type AND l.id = o.id"
                    + " AND l.version = o.version) ORDER BY o.seq LIMIT ?")) {
                select.setInt(1, max + refusedRows.size());
                List<PendingLeaf> leaves = new ArrayList<>();
                java.util.Set<List<Object>> taken = new java.util.HashSet<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next() && leaves.size() < max) {
                        long seq = rows.getLong(1);
                        if (refusedRows.contains(seq)) {
                            continue;
                        }
                        PendingLeaf leaf = leafOf(rows);
                        if (leaf == null || !taken.add(List.of(leaf.kind(), leaf.key(), leaf.version()))) {
                            refuse(seq, "an outbox row that makes no leaf, or repeats one (made up in the database)");
                            continue;
                        }
                        if (leaf.kind() == LeafKind.ERASURE_MARKER && !keys.kek().sealMatches(
                                Erasure.sealContext(leaf.key(), leaf.version()), leaf.contentHash().toArray(),
                                rows.getBytes(7))) {
                            refuse(seq, "the erasure marker of " + leaf.key() + ": it does not carry this node's"
                                    + " seal (made up in the database); $verify names it");
                            continue;
                        }
                        if (leaf.kind() == LeafKind.STATE_CHANGE && !keys.kek().sealMatches(
                                Outbox.stateChangeContext(leaf.key(), leaf.version()), leaf.contentHash().toArray(),
                                rows.getBytes(8))) {
                            refuse(seq, "a state change of " + leaf.key() + ": it does not carry this node's seal"
                                    + " (made up in the database)");
                            continue;
                        }
                        leaves.add(leaf);
                    }
                }
                return leaves;
            }
        });
    }

    /** The leaf an outbox row stands for, or null when it cannot stand for one (its kind, key or hash is not valid). */
    private static PendingLeaf leafOf(ResultSet rows) throws SQLException {
        int kind = rows.getShort(2);
        byte[] hash = rows.getBytes(6);
        if (kind < 0 || kind >= LeafKind.values().length || hash == null || hash.length != 32) {
            return null;
        }
        try {
            return new PendingLeaf(LeafKind.values()[kind], new ResourceKey(rows.getString(3), rows.getString(4)),
                    rows.getLong(5), Bytes32.wrap(hash));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void refuse(long seq, String what) {
        if (refusedRows.add(seq)) {
            log.warn("not anchoring {}", what);
        }
    }

    @Override
    public Optional<Instant> findOldestPending() {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT created_at FROM outbox"
                    + " WHERE content_hash IS NOT NULL ORDER BY seq LIMIT 1")) {
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getObject(1, OffsetDateTime.class).toInstant())
                            : Optional.<Instant>empty();
                }
            }
        });
    }

    @Override
    public AnchorBatch save(AnchorBatch.Built batch, SignedTransaction transaction) {
        long id = transactions.inTransaction(c -> {
            long batchId = insertBatch(c, batch, transaction);
            insertLeaves(c, batchId, batch);
            // (a leaf's row may be there twice, copied in the database: both go, the leaf counts once)
            int taken = takeFromOutbox(c, batch);
            if (taken != batch.leaves().size()) {
                throw new BbehrException(ErrorCode.ANCHOR_NOT_READY, "only " + taken + " of the batch's "
                        + batch.leaves().size() + " leaves were still pending");
            }
            return batchId;
        });
        return new AnchorBatch(id, batch.hospitalId(), batch.root(), batch.leafCount(), transaction);
    }

    private long insertBatch(Connection c, AnchorBatch.Built batch, SignedTransaction tx) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO anchor_batches (hospital_id, root, leaf_count,"
                + " tx_hash, tx_raw, tx_from, tx_nonce, tx_gas_limit, created_at, padding)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            insert.setInt(1, batch.hospitalId());
            insert.setBytes(2, batch.root().toArray());
            insert.setInt(3, batch.leafCount());
            bindTransaction(insert, 4, tx);
            insert.setObject(9, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            insert.setBytes(10, batch.padding().map(Bytes32::toArray).orElse(null));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static void bindTransaction(PreparedStatement statement, int first, SignedTransaction tx)
            throws SQLException {
        statement.setBytes(first, tx.hash().toArray());
        statement.setBytes(first + 1, tx.raw());
        statement.setString(first + 2, tx.from().value());
        statement.setLong(first + 3, tx.nonce());
        statement.setLong(first + 4, tx.gasLimit());
    }

    private static void insertLeaves(Connection c, long batchId, AnchorBatch.Built batch) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO anchor_leaves (kind, type, id, version,"
                + " batch_id, content_hash, proof, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AnchorBatch.Leaf leaf : batch.leaves()) {
                insert.setShort(1, (short) leaf.pending().kind().ordinal());
                insert.setString(2, leaf.pending().key().type());
                insert.setString(3, leaf.pending().key().id());
                insert.setLong(4, leaf.pending().version());
                insert.setLong(5, batchId);
                insert.setBytes(6, leaf.pending().contentHash().toArray());
                insert.setBytes(7, Proofs.encode(leaf.proof()));
                insert.setInt(8, leaf.position());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static int takeFromOutbox(Connection c, AnchorBatch.Built batch) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM outbox WHERE (kind, type, id, version)"
                + " IN (SELECT * FROM unnest(?::smallint[], ?::text[], ?::text[], ?::bigint[]))"
                + " RETURNING kind, type, id, version")) {
            List<PendingLeaf> leaves = batch.leaves().stream().map(AnchorBatch.Leaf::pending).toList();
            delete.setArray(1, c.createArrayOf("smallint", leaves.stream().map(l -> (short) l.kind().ordinal())
                    .toArray()));
            delete.setArray(2, c.createArrayOf("text", leaves.stream().map(l -> l.key().type()).toArray()));
            delete.setArray(3, c.createArrayOf("text", leaves.stream().map(l -> l.key().id()).toArray()));
            delete.setArray(4, c.createArrayOf("bigint", leaves.stream().map(PendingLeaf::version).toArray()));
            java.util.Set<List<Object>> taken = new java.util.HashSet<>();
            try (ResultSet rows = delete.executeQuery()) {
                while (rows.next()) {
                    taken.add(List.of(rows.getShort(1), rows.getString(2), rows.getString(3), rows.getLong(4)));
                }
            }
            return taken.size();
        }
    }

    @Override
    public void replaceTransaction(long batchId, SignedTransaction transaction) {
        update("UPDATE anchor_batches SET tx_hash = ?, tx_raw = ?, tx_from = ?, tx_nonce = ?, tx_gas_limit = ?"
                + " WHERE id = ? AND NOT anchored", statement -> {
                    bindTransaction(statement, 1, transaction);
                    statement.setLong(6, batchId);
                });
    }

    @Override
    public void markAnchored(long batchId, Bytes32 transactionHash, long block, Instant anchoredAt) {
        update("UPDATE anchor_batches SET anchored = true, anchored_tx = ?, block = ?, anchored_at = ? WHERE id = ?",
                statement -> {
                    statement.setBytes(1, transactionHash.toArray());
                    statement.setLong(2, block);
                    statement.setObject(3, OffsetDateTime.ofInstant(anchoredAt, ZoneOffset.UTC));
                    statement.setLong(4, batchId);
                });
    }

    @Override
    public void markLost(long batchId) {
        update("UPDATE anchor_batches SET anchored = false, anchored_tx = NULL, block = NULL, anchored_at = NULL"
                + " WHERE id = ?", statement -> statement.setLong(1, batchId));
    }

    @Override
    public List<AnchorBatch> findUnconfirmed() {
        return batches("SELECT " + BATCH_COLUMNS + " FROM anchor_batches WHERE NOT anchored AND refused_at IS NULL"
                + " ORDER BY id", s -> { });
    }

    @Override
    public Optional<AnchorBatch.Manifest> findManifest(long batchId) {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT padding FROM anchor_batches WHERE id = ?")) {
                select.setLong(1, batchId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? manifest(c, batchId, row.getBytes(1)) : Optional.<AnchorBatch.Manifest>empty();
                }
            }
        });
    }

    /**
     * A batch's leaves in tree order with its padding leaf ({@code padding}, its row's, null for none); empty when
     * the order was not kept.
     */
    static Optional<AnchorBatch.Manifest> manifest(Connection c, long batchId, byte[] padding) throws SQLException {
        List<PendingLeaf> leaves = new ArrayList<>();
        boolean ordered = true;
        try (PreparedStatement select = c.prepareStatement("SELECT kind, type, id, version, content_hash,"
                + " position FROM anchor_leaves WHERE batch_id = ? ORDER BY position")) {
            select.setLong(1, batchId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    leaves.add(new PendingLeaf(LeafKind.values()[rows.getShort(1)],
                            new ResourceKey(rows.getString(2), rows.getString(3)), rows.getLong(4),
                            Bytes32.wrap(rows.getBytes(5))));
                    rows.getInt(6);
                    ordered &= !rows.wasNull();
                }
            }
        }
        return ordered ? Optional.of(new AnchorBatch.Manifest(leaves,
                padding == null ? Optional.empty() : Optional.of(Bytes32.wrap(padding)))) : Optional.empty();
    }

    @Override
    public void markRefused(long batchId, Instant at) {
        update("UPDATE anchor_batches SET refused_at = ? WHERE id = ? AND NOT anchored", statement -> {
            statement.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setLong(2, batchId);
        });
    }

    @Override
    public List<AnchorBatch> findAnchoredSince(Instant since, int max) {
        return batches("SELECT " + BATCH_COLUMNS + " FROM anchor_batches WHERE anchored AND anchored_at >= ?"
                + " ORDER BY anchored_at DESC, id DESC LIMIT ?", s -> {
                    s.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
                    s.setInt(2, max);
                });
    }

    @Override
    public Optional<AnchorState> find(ResourceKey key, long version) {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT b.anchored, b.root, b.anchored_tx, b.block"
                    + " FROM anchor_leaves l JOIN anchor_batches b ON b.id = l.batch_id"
                    + " WHERE l.kind = 0 AND l.type = ? AND l.id = ? AND l.version = ?"
                    + " UNION ALL SELECT false, NULL, NULL, NULL FROM outbox"
                    + " WHERE kind = 0 AND type = ? AND id = ? AND version = ? LIMIT 1")) {
                for (int i = 0; i < 2; i++) {
                    select.setString(1 + 3 * i, key.type());
                    select.setString(2 + 3 * i, key.id());
                    select.setLong(3 + 3 * i, version);
                }
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<AnchorState>empty();
                    }
                    if (!row.getBoolean(1)) {
                        return Optional.of(AnchorState.PENDING);
                    }
                    return Optional.of(new AnchorState(true, Bytes32.wrap(row.getBytes(2)),
                            Bytes32.wrap(row.getBytes(3)), row.getLong(4)));
                }
            }
        });
    }

    @Override
    public Map<Version, AnchorState> findAll(Collection<Version> versions) {
        if (versions.isEmpty()) {
            return Map.of();
        }
        return transactions.read(c -> {
            String[] types = versions.stream().map(v -> v.key().type()).toArray(String[]::new);
            String[] ids = versions.stream().map(v -> v.key().id()).toArray(String[]::new);
            Long[] numbers = versions.stream().map(Version::version).toArray(Long[]::new);
            // a version in a batch has the batch's state, one only in the outbox is pending
            try (PreparedStatement select = c.prepareStatement("WITH wanted (type, id, version) AS"
                    + " (SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]))"
                    + " SELECT w.type, w.id, w.version, l.batch_id IS NOT NULL, b.anchored, b.root, b.anchored_tx,"
                    + " b.block FROM wanted w"
                    + " LEFT JOIN anchor_leaves l ON l.kind = 0 AND l.type = w.type AND l.id = w.id"
                    + " AND l.version = w.version LEFT JOIN anchor_batches b ON b.id = l.batch_id"
                    + " WHERE l.batch_id IS NOT NULL OR EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 0"
                    + " AND o.type = w.type AND o.id = w.id AND o.version = w.version)")) {
                select.setArray(1, c.createArrayOf("text", types));
                select.setArray(2, c.createArrayOf("text", ids));
                select.setArray(3, c.createArrayOf("bigint", numbers));
                Map<Version, AnchorState> states = new HashMap<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        Version version = new Version(new ResourceKey(row.getString(1), row.getString(2)),
                                row.getLong(3));
                        states.put(version, row.getBoolean(4) && row.getBoolean(5)
                                ? new AnchorState(true, Bytes32.wrap(row.getBytes(6)), Bytes32.wrap(row.getBytes(7)),
                                        row.getLong(8))
                                : AnchorState.PENDING);
                    }
                }
                return states;
            }
        });
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        transactions.inTransaction(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }

    private List<AnchorBatch> batches(String sql, Binder binder) {
        return transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                binder.bind(select);
                List<AnchorBatch> found = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(batch(rows));
                    }
                }
                return found;
            }
        });
    }

    private static AnchorBatch batch(ResultSet row) throws SQLException {
        SignedTransaction tx = new SignedTransaction(Bytes32.wrap(row.getBytes(5)), row.getBytes(6),
                Address.of(row.getString(7)), row.getLong(8), row.getLong(9));
        return new AnchorBatch(row.getLong(1), row.getInt(2), Bytes32.wrap(row.getBytes(3)), row.getInt(4), tx);
    }
}
