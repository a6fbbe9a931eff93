package org.bbehr.store.record;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchoredReads;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.core.search.RecordSearch;
import org.bbehr.core.search.SearchPage;
import org.bbehr.core.search.SearchQuery;
import org.bbehr.store.crypto.NodeKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RecordStore} on PostgreSQL. Each resource has its own data key, wrapped by the node's key-encryption key;
 * each version is stored encrypted, bound to its type/id/version; identifiers are stored only as the blind-index
 * tokens given. A write is one transaction (fsync'd on commit) that also adds the versions' outbox rows.
 */
public final class PostgresRecordStore implements RecordStore, RecordSearch, AnchoredReads {

    private static final Logger log = LoggerFactory.getLogger(PostgresRecordStore.class);

    private final Transactions transactions;
    private final DataKeys dataKeys;
    private final VersionReads reads;
    private final NodeKeys keys;
    private final Clock clock;

    private PostgresRecordStore(Transactions transactions, NodeKeys keys, Clock clock) {
        this.transactions = transactions;
        this.dataKeys = new DataKeys(keys);
        this.reads = new VersionReads(dataKeys);
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A store on a migrated database, after checking that {@code keys} are this database's keys.
     *
     * @throws BbehrException {@code KEYS_MISMATCH} when the keys are not those the database was written with
     */
    public static PostgresRecordStore open(DataSource dataSource, NodeKeys keys, Clock clock) {
        Transactions transactions = new Transactions(dataSource);
        KeyCheck.verify(transactions, keys);
        PostgresRecordStore store = new PostgresRecordStore(transactions, keys, clock);
        StateSealing.runIfPending(transactions, store.dataKeys);
        StateSealing.sealErasuresIfPending(transactions, keys.kek());
        return store;
    }

    @Override
    public List<StoredVersion> write(List<ResourceWrite> writes) {
        if (writes.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        WriteBatch.Result result = transactions.inTransaction(c -> new WriteBatch(c, dataKeys, now).apply(writes));
        dataKeys.remember(result.createdKeys());
        log.debug("stored {} versions", result.versions().size());
        return result.versions();
    }

    /** Answered from the resource's state row, without decrypting anything. */
    @Override
    public boolean isLive(ResourceKey key) {
        return transactions.read(c -> reads.isLive(c, key));
    }

    @Override
    public Optional<StoredVersion> findCurrent(ResourceKey key) {
        return transactions.read(c -> reads.find(c, key, null));
    }

    @Override
    public Optional<StoredVersion> findVersion(ResourceKey key, long version) {
        return transactions.read(c -> reads.find(c, key, version));
    }

    /** One statement: the version, its data key and its anchoring (the anchorer's tables are in this database). */
    @Override
    public Optional<AnchoredVersion> findCurrentAnchored(ResourceKey key) {
        return transactions.read(c -> reads.findAnchored(c, key, null));
    }

    @Override
    public Optional<AnchoredVersion> findVersionAnchored(ResourceKey key, long version) {
        return transactions.read(c -> reads.findAnchored(c, key, version));
    }

    /** One statement for the whole page. */
    @Override
    public List<StoredVersion> findLive(List<ResourceKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return transactions.read(c -> reads.findLive(c, keys));
    }

    @Override
    public List<StoredVersion> history(ResourceKey key, Instant since, int offset, int count) {
        return transactions.read(c -> reads.history(c, key, since, offset, count));
    }

    @Override
    public List<StoredVersion> typeHistory(String type, Instant since, int offset, int count) {
        return transactions.read(c -> reads.typeHistory(c, type, since, offset, count));
    }

    @Override
    public List<ResourceKey> findByIdentifier(String type, List<String> tokens) {
        return transactions.read(c -> IndexRows.findByIdentifier(c, type, tokens));
    }

    @Override
    public List<ResourceKey> findReferencing(ResourceKey target) {
        return transactions.read(c -> IndexRows.findReferencing(c, target));
    }

    @Override
    public SearchPage searchFrom(SearchQuery query, Optional<SearchPage.Position> after) {
        return transactions.read(c -> SearchSql.searchFrom(c, query, after));
    }

    @Override
    public long count(SearchQuery query) {
        return transactions.read(c -> SearchSql.count(c, query));
    }

    @Override
    public void erase(ResourceKey key, String reason, String actor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        transactions.inTransaction(c -> {
            requireSealedState(c, key);
            Erasure.erase(c, key, reason, actor, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), keys.kek());
            return null;
        });
        dataKeys.forget(key);
        log.info("erased {}", key);
    }

    /**
     * Refuses to go on with a resource whose state is not the one the node sealed: a legal hold lifted in the
     * database must not let an erasure through.
     */
    private void requireSealedState(java.sql.Connection c, ResourceKey key) throws java.sql.SQLException {
        Long current = null;
        boolean putBack = false;
        try (PreparedStatement select = c.prepareStatement("SELECT r.current_version, r.state_seq < "
                + IndexSeal.RECORDED_STATE_SEQ + " FROM resources r WHERE r.type = ? AND r.id = ? AND NOT r.erased FOR UPDATE")) {
            select.setString(1, key.type());
            select.setString(2, key.id());
            try (java.sql.ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    current = row.getLong(1);
                    putBack = row.getBoolean(2);
                }
            }
        }
        if (current == null) {
            return; // not found or erased: the erasure says so
        }
        if (putBack || IndexSeal.intact(c, Map.of(key, current), dataKeys.load(c, List.of(key))).isEmpty()) {
            throw new BbehrException(ErrorCode.RECORD_TAMPERED, key + " was not erased: its state (legal hold,"
                    + " labels) or index rows are not the ones the node sealed; $verify names it");
        }
    }

    @Override
    public void setLegalHold(ResourceKey key, boolean held) {
        int updated = transactions.inTransaction(c -> {
            // the resource's seal covers its legal hold: one that holds now is made again for the new state
            Long current = null;
            try (PreparedStatement lock = c.prepareStatement("SELECT current_version FROM resources"
                    + " WHERE type = ? AND id = ? AND NOT erased FOR UPDATE")) {
                lock.setString(1, key.type());
                lock.setString(2, key.id());
                try (java.sql.ResultSet row = lock.executeQuery()) {
                    if (row.next()) {
                        current = row.getLong(1);
                    }
                }
            }
            if (current == null) {
                return 0;
            }
            Map<ResourceKey, org.bbehr.store.crypto.DataKey> sealing = dataKeys.load(c, List.of(key));
            Map<ResourceKey, Long> intact = IndexSeal.intact(c, Map.of(key, current), sealing);
            try (PreparedStatement update = c.prepareStatement("UPDATE resources SET legal_hold = ?,"
                    + " state_seq = state_seq + 1 WHERE type = ? AND id = ? AND NOT erased")) {
                update.setBoolean(1, held);
                update.setString(2, key.type());
                update.setString(3, key.id());
                update.executeUpdate();
            }
            IndexSeal.reseal(c, intact, sealing);
            Outbox.addStateChange(c, key, IndexSeal.stateHash(c, key), OffsetDateTime.ofInstant(
                    clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC), keys.kek());
            return 1;
        });
        if (updated == 0) {
            throw new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + key);
        }
        log.info("legal hold on {} {}", key, held ? "set" : "lifted");
    }

    /** The evidence {@code $verify} checks: each version decrypted, with its outbox row, proof and batch. */
    public org.bbehr.core.verify.EvidenceSource evidence() {
        return new PostgresEvidence(transactions, dataKeys);
    }

    /**
     * Rotates the key-encryption key: re-wraps every data key under a new KEK, then retires the old one. Resumes an
     * unfinished rotation instead of starting another.
     *
     * @return how many data keys were re-wrapped
     */
    public long rotateKek(KekRotation.Progress progress) {
        return new KekRotation(transactions, keys).run(progress);
    }

    /**
     * Rotates the blind-index key: recomputes every stored token under a new key with {@code reindexer}, then retires
     * the old key; searches answer the same throughout. Resumes an unfinished rotation instead of starting another.
     *
     * @param reindexer a version's index entries, made with the node's blind index (whose primary is the new key)
     */
    public BlindIndexRotation.Result rotateBlindIndex(Function<StoredVersion, IndexEntries> reindexer,
            BlindIndexRotation.Options options, BlindIndexRotation.Progress progress) {
        return new BlindIndexRotation(transactions, reads, dataKeys, keys).run(reindexer, options, progress);
    }
}
