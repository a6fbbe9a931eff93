package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.store.crypto.DataKey;
import org.bbehr.store.crypto.Kek;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once, after the migration that made seals cover a resource's state ({@code V11}): each seal made before, over the
 * index rows alone, is made again over the rows and the state, where it still holds; each deletion without a seal is
 * sealed. The node's database role cannot set the passes off again (it may not insert their rows); the database's
 * owner or superuser can, and a restart then seals deletions whose seal they removed (docs/verify.md). A page at a time, so a crash in the middle resumes: a seal already made again no longer holds as an
 * old one and is left as it is. A seal that does not hold stays broken, for {@code $verify} to name.
 */
final class StateSealing {

    private static final Logger log = LoggerFactory.getLogger(StateSealing.class);
    private static final int PAGE = 1_000;

    private StateSealing() {}

    static void runIfPending(Transactions transactions, DataKeys dataKeys) {
        boolean pending = transactions.read(c -> {
            try (Statement select = c.createStatement();
                    ResultSet row = select.executeQuery("SELECT 1 FROM state_sealing")) {
                return row.next();
            }
        });
        if (!pending) {
            return;
        }
        long sealed = 0;
        ResourceKey after = null;
        while (true) {
            ResourceKey from = after;
            Page page = transactions.inTransaction(c -> sealPage(c, dataKeys, from));
            sealed += page.sealed();
            if (page.last() == null) {
                break;
            }
            after = page.last();
        }
        transactions.inTransaction(c -> {
            try (Statement delete = c.createStatement()) {
                delete.execute("DELETE FROM state_sealing");
            }
            return null;
        });
        log.info("resources' seals now cover their state: {} sealed again", sealed);
    }

    /**
     * Once, after the migration that sealed erasures' markers ({@code V13}): seals the markers made before, as they
     * are then.
     */
    static void sealErasuresIfPending(Transactions transactions, Kek kek) {
        int sealed = transactions.inTransaction(c -> {
            try (Statement select = c.createStatement();
                    ResultSet row = select.executeQuery("SELECT 1 FROM erasure_sealing FOR UPDATE")) {
                if (!row.next()) {
                    return -1;
                }
            }
            int count = resealErasures(c, kek, false);
            try (Statement delete = c.createStatement()) {
                delete.execute("DELETE FROM erasure_sealing");
            }
            return count;
        });
        if (sealed >= 0) {
            log.info("erasure markers are now sealed: {} made before sealed", sealed);
        }
    }

    /**
     * Seals erasures' markers under the KEK's primary key: those without a seal ({@code unsealed}: the first start
     * after the upgrade), or those whose seal holds (a KEK rotation, before the old key is retired). A seal that does
     * not hold is left as it is.
     */
    static int resealErasures(Connection c, Kek kek, boolean sealedOnly) throws SQLException {
        Map<Long, byte[]> seals = new LinkedHashMap<>();
        // (without a seal, only a marker the node anchored before sealing existed: one made up since is never
        // anchored, so a sealing pass set off again in the database cannot seal it)
        try (PreparedStatement select = c.prepareStatement("SELECT e.seq, e.type, e.id, e.versions, e.reason,"
                + " e.actor, e.erased_at, e.salt, e.seal FROM erasures e WHERE e.versions IS NOT NULL"
                + " AND e.salt IS NOT NULL" + (sealedOnly ? " AND e.seal IS NOT NULL" : " AND e.seal IS NULL AND"
                + " EXISTS (SELECT 1 FROM anchor_leaves l JOIN anchor_batches b ON b.id = l.batch_id WHERE"
                + " l.kind = 1 AND l.type = e.type AND l.id = e.id AND l.version = e.versions AND b.anchored)")
                + " FOR UPDATE OF e");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ResourceKey key = new ResourceKey(rows.getString(2), rows.getString(3));
                org.bbehr.core.record.ErasureMarker marker = new org.bbehr.core.record.ErasureMarker(key,
                        rows.getLong(4), rows.getString(5), rows.getString(6),
                        rows.getObject(7, java.time.OffsetDateTime.class).toInstant(), rows.getBytes(8));
                String context = Erasure.sealContext(key, marker.versions());
                byte[] hash = marker.hash().toArray();
                if (!sealedOnly || kek.sealMatches(context, hash, rows.getBytes(9))) {
                    seals.put(rows.getLong(1), kek.seal(context, hash));
                }
            }
        }
        return writeSeals(c, "erasures", seals);
    }

    /** Seals pending state changes whose seal holds under the KEK's primary key (a KEK rotation, before retiring). */
    static int resealStateChanges(Connection c, Kek kek) throws SQLException {
        Map<Long, byte[]> seals = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT seq, type, id, version, content_hash, seal"
                + " FROM outbox WHERE kind = 2 AND seal IS NOT NULL FOR UPDATE");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ResourceKey key;
                try {
                    key = new ResourceKey(rows.getString(2), rows.getString(3));
                } catch (RuntimeException e) {
                    continue;
                }
                String context = Outbox.stateChangeContext(key, rows.getLong(4));
                if (kek.sealMatches(context, rows.getBytes(5), rows.getBytes(6))) {
                    seals.put(rows.getLong(1), kek.seal(context, rows.getBytes(5)));
                }
            }
        }
        return writeSeals(c, "outbox", seals);
    }

    /** Writes {@code seals} (by row {@code seq}) into {@code table}'s {@code seal} column; returns how many. */
    private static int writeSeals(Connection c, String table, Map<Long, byte[]> seals) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET seal = ? WHERE seq = ?")) {
            for (Map.Entry<Long, byte[]> seal : seals.entrySet()) {
                update.setBytes(1, seal.getValue());
                update.setLong(2, seal.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
        return seals.size();
    }

    private record Page(ResourceKey last, long sealed) {}

    /** The data keys that unwrap; one that does not leaves its resource as it is (and named by $verify). */
    private static Map<ResourceKey, DataKey> load(Connection c, DataKeys dataKeys, List<ResourceKey> resources)
            throws SQLException {
        try {
            return dataKeys.load(c, resources);
        } catch (org.bbehr.core.BbehrException e) {
            Map<ResourceKey, DataKey> found = new HashMap<>();
            for (ResourceKey key : resources) {
                try {
                    found.putAll(dataKeys.load(c, List.of(key)));
                } catch (org.bbehr.core.BbehrException unwrapsNot) {
                    log.warn("the data key of {} does not unwrap: its seal is left as it is", key);
                }
            }
            return found;
        }
    }

    private static Page sealPage(Connection c, DataKeys dataKeys, ResourceKey after) throws SQLException {
        Map<ResourceKey, Long> live = new LinkedHashMap<>();
        Map<ResourceKey, Long> deletions = new LinkedHashMap<>();
        Map<ResourceKey, byte[]> oldSeals = new HashMap<>();
        ResourceKey last = null;
        try (PreparedStatement select = c.prepareStatement("SELECT r.type, r.id, r.current_version, r.deleted,"
                + " r.index_seal FROM resources r WHERE NOT r.erased AND (r.type, r.id) > (?, ?)"
                + " AND EXISTS (SELECT 1 FROM data_keys k WHERE k.type = r.type AND k.id = r.id)"
                + " ORDER BY r.type, r.id LIMIT " + PAGE + " FOR UPDATE")) {
            // (the empty type and id come before every key)
            select.setString(1, after == null ? "" : after.type());
            select.setString(2, after == null ? "" : after.id());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    last = new ResourceKey(rows.getString(1), rows.getString(2));
                    if (rows.getBoolean(4)) {
                        if (rows.getBytes(5) == null) {
                            deletions.put(last, rows.getLong(3));
                        }
                    } else if (rows.getBytes(5) != null) {
                        live.put(last, rows.getLong(3));
                        oldSeals.put(last, rows.getBytes(5));
                    }
                }
            }
        }
        if (last == null) {
            return new Page(null, 0);
        }
        List<ResourceKey> all = new ArrayList<>(live.keySet());
        all.addAll(deletions.keySet());
        Map<ResourceKey, DataKey> keys = load(c, dataKeys, all);
        live.keySet().retainAll(keys.keySet());
        deletions.keySet().retainAll(keys.keySet());
        Map<ResourceKey, byte[]> oldDigests = IndexSeal.digestsWithoutState(c, live.keySet());
        Map<ResourceKey, Long> reseal = new LinkedHashMap<>(deletions);
        live.forEach((key, version) -> {
            if (keys.get(key).indexSealMatches(key, version, oldDigests.get(key), oldSeals.get(key))) {
                reseal.put(key, version);
            }
        });
        IndexSeal.reseal(c, reseal, keys);
        return new Page(last, reseal.size());
    }
}
