package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.IndexValue;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.store.crypto.DataKey;
import org.bbehr.store.crypto.NodeKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the blind-index key: adds a new primary key (the old one stays, so searches match the tokens under either),
 * recomputes the tokens of every resource that has any from its decrypted current version, in batches, each its own
 * transaction that locks the batch's resources against concurrent writes, and only then retires the old key. Searches
 * answer the same at every step. A rotation that stopped (asked to, a crash, an error) resumes where it stopped, from
 * a cursor kept in {@code blind_index_rotation}.
 *
 * <p>The re-index goes through the resources in {@code (type, id)} order up to the last one that had tokens when the
 * new key took over: no write stores tokens of the old key after that (writers make and store their tokens under
 * {@link org.bbehr.core.crypto.BlindIndex#withStablePrimary}), so resources created since, beyond that end, have only
 * new tokens, and the rotation ends however fast they are created.
 */
public final class BlindIndexRotation {

    private static final Logger log = LoggerFactory.getLogger(BlindIndexRotation.class);
    /** A token table's rows in the cursor's range: after its position, up to its end. */
    private static final String AFTER_UNTIL = "(type, id) > (?, ?) AND (type, id) <= (?, ?)";

    /** Told how many resources are re-indexed so far, of how many. */
    @FunctionalInterface
    public interface Progress {
        void report(long done, long total);
    }

    /**
     * How a rotation runs.
     *
     * @param batchSize resources re-indexed per transaction (their rows are locked meanwhile)
     * @param keepGoing asked before each batch; false stops the rotation, which the next one resumes
     */
    public record Options(int batchSize, BooleanSupplier keepGoing) {
        public static final int DEFAULT_BATCH_SIZE = 200;

        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("a batch holds at least one resource");
            }
        }

        /** Batches of {@value #DEFAULT_BATCH_SIZE}, until done. */
        public static Options defaults() {
            return new Options(DEFAULT_BATCH_SIZE, () -> true);
        }
    }

    /**
     * What a run did.
     *
     * @param finished whether every token is under the new key and the old key retired; false when it was asked to
     *     stop (it resumes next time)
     * @param reindexed resources whose tokens this run recomputed
     * @param unreadable resources whose current version did not decrypt: their tokens were removed
     */
    public record Result(boolean finished, long reindexed, long unreadable) {}

    /**
     * Re-indexed up to {@code after} (the empty strings at the start), to go on up to {@code until} (null: there is
     * nothing to re-index); {@code done} resources so far.
     */
    private record Cursor(String afterType, String afterId, String untilType, String untilId, long done) {
        boolean finished() {
            return untilType == null;
        }
    }

    private record Batch(int scanned, int reindexed, int unreadable, long done) {
        static final Batch NONE = new Batch(0, 0, 0, 0);
    }

    private final Transactions transactions;
    private final VersionReads reads;
    private final DataKeys dataKeys;
    private final NodeKeys keys;

    BlindIndexRotation(Transactions transactions, VersionReads reads, DataKeys dataKeys, NodeKeys keys) {
        this.transactions = transactions;
        this.reads = reads;
        this.dataKeys = dataKeys;
        this.keys = keys;
    }

    /**
     * @param reindexer a version's index entries, made again with the blind index's current primary key
     * @throws BbehrException {@code KEYS_NOT_WRITABLE} when the keys come from configuration
     */
    Result run(Function<StoredVersion, IndexEntries> reindexer, Options options, Progress progress) {
        if (!keys.writable()) {
            throw new BbehrException(ErrorCode.KEYS_NOT_WRITABLE, "the blind-index key comes from configuration and"
                    + " cannot be rotated in place: keep the node's keys in its data directory to rotate them");
        }
        if (keys.blindIndexKeyCount() == 1) {
            keys.addBlindIndexPrimary();
        } else {
            log.info("resuming an unfinished blind-index key rotation");
        }
        int primary = keys.blindIndexPrimaryId();
        Cursor start = transactions.inTransaction(c -> startOrResume(c, primary));
        long total = start.done() + transactions.read(c -> countAfter(c, start));
        log.info("re-indexing the search tokens of {} resources under blind-index key {}", total - start.done(),
                Integer.toUnsignedString(primary));
        progress.report(start.done(), total);
        long reindexed = 0;
        long unreadable = 0;
        while (true) {
            if (!options.keepGoing().getAsBoolean()) {
                log.info("blind-index key rotation stopped after {} resources; it resumes when started again", reindexed);
                return new Result(false, reindexed, unreadable);
            }
            Batch batch = transactions.inTransaction(c -> reindexBatch(c, primary, reindexer, options.batchSize()));
            if (batch.scanned() == 0) {
                break;
            }
            reindexed += batch.reindexed();
            unreadable += batch.unreadable();
            progress.report(batch.done(), Math.max(total, batch.done()));
        }
        retireOldKeys();
        log.info("blind-index key rotated: {} resources re-indexed under key {}, {} unreadable", reindexed,
                Integer.toUnsignedString(primary), unreadable);
        return new Result(true, reindexed, unreadable);
    }

    /**
     * Marks the new key as the database's (its probe, see {@link KeyCheck}) before the old one leaves the keyset, so a
     * crash in between leaves keys that still pass the check; then forgets the cursor.
     */
    private void retireOldKeys() {
        transactions.inTransaction(c -> {
            KeyCheck.recordBlindIndexPrimary(c, keys);
            return null;
        });
        keys.retireOldBlindIndexKeys();
        transactions.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM blind_index_rotation")) {
                return delete.executeUpdate();
            }
        });
    }

    /**
     * The cursor of the rotation to key {@code primary}, new or left by an interrupted run; those of other keys are
     * dropped. A new one ends at the last resource with tokens now that the new key makes every token stored.
     */
    private static Cursor startOrResume(Connection c, int primary) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM blind_index_rotation WHERE key_id <> ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO blind_index_rotation"
                        + " (key_id, after_type, after_id, until_type, until_id, done, started_at)"
                        // the aggregate gives one row, of nulls when no resource has tokens
                        + " SELECT ?, '', '', max(type), max(id), 0, now() FROM ("
                        + "SELECT type, id FROM ((SELECT type, id FROM identifier_tokens ORDER BY type DESC, id DESC"
                        + " LIMIT 1) UNION ALL (SELECT type, id FROM search_blind ORDER BY type DESC, id DESC LIMIT 1))"
                        + " k ORDER BY type DESC, id DESC LIMIT 1) last ON CONFLICT (key_id) DO NOTHING")) {
            delete.setInt(1, primary);
            delete.executeUpdate();
            insert.setInt(1, primary);
            insert.executeUpdate();
        }
        return lockCursor(c, primary);
    }

    private static Cursor lockCursor(Connection c, int primary) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT after_type, after_id, until_type, until_id, done"
                + " FROM blind_index_rotation WHERE key_id = ? FOR UPDATE")) {
            select.setInt(1, primary);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new Cursor(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getLong(5)) : null;
            }
        }
    }

    /** How many resources with tokens the cursor has still to go through. */
    private static long countAfter(Connection c, Cursor cursor) throws SQLException {
        if (cursor.finished()) {
            return 0;
        }
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM ("
                + "SELECT type, id FROM identifier_tokens WHERE " + AFTER_UNTIL
                + " UNION SELECT type, id FROM search_blind WHERE " + AFTER_UNTIL + ") k")) {
            bindRange(count, 1, cursor);
            bindRange(count, 5, cursor);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Re-indexes the next resources after the cursor that have tokens and moves the cursor past them. Other runs of the
     * same rotation wait for the cursor's lock, so two runs share the work instead of doing it twice.
     */
    private Batch reindexBatch(Connection c, int primary, Function<StoredVersion, IndexEntries> reindexer,
            int batchSize) throws SQLException {
        Cursor cursor = lockCursor(c, primary);
        if (cursor == null || cursor.finished()) {
            return Batch.NONE;
        }
        List<ResourceKey> page = nextPage(c, cursor, batchSize);
        if (page.isEmpty()) {
            return Batch.NONE;
        }
        List<ResourceKey> live = lockLive(c, page);
        Map<ResourceKey, IndexEntries> fresh = new LinkedHashMap<>();
        List<ResourceKey> unreadable = new ArrayList<>();
        Map<ResourceKey, Long> readable = new LinkedHashMap<>();
        for (StoredVersion version : readCurrent(c, live, unreadable)) {
            fresh.put(version.key(), tokensOnly(reindexer.apply(version)));
            readable.put(version.key(), version.version());
        }
        // rows that match their seal are sealed again with their new tokens; others stay reported by $verify
        Map<ResourceKey, DataKey> sealing = dataKeys.load(c, readable.keySet());
        Map<ResourceKey, Long> intact = IndexSeal.intact(c, readable, sealing);
        deleteTokens(c, live);
        IndexRows.insert(c, fresh);
        IndexSeal.reseal(c, intact, sealing);
        ResourceKey last = page.getLast();
        try (PreparedStatement update = c.prepareStatement("UPDATE blind_index_rotation"
                + " SET after_type = ?, after_id = ?, done = done + ? WHERE key_id = ?")) {
            update.setString(1, last.type());
            update.setString(2, last.id());
            update.setLong(3, page.size());
            update.setInt(4, primary);
            update.executeUpdate();
        }
        return new Batch(page.size(), fresh.size(), unreadable.size(), cursor.done() + page.size());
    }

    /**
     * The next {@code limit} resources of the cursor's range with a row in either token table: the first {@code limit}
     * distinct resources of each table, merged.
     */
    private static List<ResourceKey> nextPage(Connection c, Cursor cursor, int limit) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT type, id FROM ("
                + "(SELECT DISTINCT type, id FROM identifier_tokens WHERE " + AFTER_UNTIL + " ORDER BY type, id LIMIT ?)"
                + " UNION (SELECT DISTINCT type, id FROM search_blind WHERE " + AFTER_UNTIL + " ORDER BY type, id"
                + " LIMIT ?)) k ORDER BY type, id LIMIT ?")) {
            bindRange(select, 1, cursor);
            select.setInt(5, limit);
            bindRange(select, 6, cursor);
            select.setInt(10, limit);
            select.setInt(11, limit);
            return keys(select);
        }
    }

    /**
     * Locks the rows of the resources of {@code page} that are still live, as a write locks them: a write to one of
     * them waits for the batch, and the batch for a write under way, whose tokens it then reads afresh.
     */
    private static List<ResourceKey> lockLive(Connection c, List<ResourceKey> page) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT type, id FROM resources WHERE " + Keys.IN_KEYS
                + " AND NOT deleted AND NOT erased ORDER BY type, id FOR NO KEY UPDATE")) {
            Keys.bind(c, select, 1, page);
            return keys(select);
        }
    }

    /** The current versions of {@code live}, decrypted; those that do not decrypt are added to {@code unreadable}. */
    private List<StoredVersion> readCurrent(Connection c, List<ResourceKey> live, List<ResourceKey> unreadable)
            throws SQLException {
        if (live.isEmpty()) {
            return List.of();
        }
        try {
            return reads.findLive(c, live);
        } catch (BbehrException e) {
            if (e.code() != ErrorCode.RECORD_TAMPERED) {
                throw e;
            }
        }
        List<StoredVersion> versions = new ArrayList<>();
        for (ResourceKey key : live) {
            try {
                reads.find(c, key, null).ifPresent(versions::add);
            } catch (BbehrException e) {
                if (e.code() != ErrorCode.RECORD_TAMPERED) {
                    throw e;
                }
                log.warn("{} does not decrypt ({}): its search tokens are removed; check it with $verify", key,
                        e.code().code());
                unreadable.add(key);
            }
        }
        return versions;
    }

    private static void deleteTokens(Connection c, List<ResourceKey> resources) throws SQLException {
        if (resources.isEmpty()) {
            return;
        }
        for (String table : new String[] {"identifier_tokens", "search_blind"}) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE " + Keys.IN_KEYS)) {
                Keys.bind(c, delete, 1, resources);
                delete.executeUpdate();
            }
        }
    }

    /** The entries' blind-index tokens only: identifier tokens and protected values. */
    private static IndexEntries tokensOnly(IndexEntries entries) {
        return new IndexEntries(entries.identifierTokens(), Set.of(),
                entries.values().stream().filter(IndexValue.Blind.class::isInstance).toList());
    }

    private static void bindRange(PreparedStatement statement, int index, Cursor cursor) throws SQLException {
        statement.setString(index, cursor.afterType());
        statement.setString(index + 1, cursor.afterId());
        statement.setString(index + 2, cursor.untilType());
        statement.setString(index + 3, cursor.untilId());
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
