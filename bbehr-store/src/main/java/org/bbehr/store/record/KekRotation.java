package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.store.crypto.Kek;
import org.bbehr.store.crypto.NodeKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the key-encryption key: adds a new primary KEK (the old one stays), re-wraps every data key under it in
 * batches, each its own transaction, and only then retires the old KEK. Every record stays readable at every step,
 * and a rotation that stopped half-way (a crash, an error) is resumed by the next one.
 */
public final class KekRotation {

    private static final Logger log = LoggerFactory.getLogger(KekRotation.class);
    private static final int BATCH = 500;

    /** Told how many data keys are re-wrapped so far, of how many. */
    @FunctionalInterface
    public interface Progress {
        void report(long done, long total);
    }

    private final Transactions transactions;
    private final NodeKeys keys;

    KekRotation(Transactions transactions, NodeKeys keys) {
        this.transactions = transactions;
        this.keys = keys;
    }

    long run(Progress progress) {
        if (keys.kek().size() == 1) {
            keys.addKekPrimary();
        } else {
            log.info("resuming an unfinished key-encryption key rotation");
        }
        int primary = keys.kek().primaryId();
        long total = transactions.read(c -> countOthers(c, primary));
        long done = 0;
        while (true) {
            int rewrapped = transactions.inTransaction(c -> rewrapBatch(c, primary));
            // erasures' seals, under the old key too, are made again under the new one and committed before the old
            // key can go (a broken seal stays broken); one made meanwhile is under the new key already
            if (rewrapped == 0) {
                transactions.inTransaction(c -> StateSealing.resealErasures(c, keys.kek(), true)
                        + StateSealing.resealStateChanges(c, keys.kek()));
            }
            if (rewrapped == 0 && transactions.inTransaction(c -> retireIfDone(c, primary))) {
                log.info("key-encryption key rotated: {} data keys re-wrapped under key {}", done, primary);
                return done;
            }
            done += rewrapped;
            progress.report(done, Math.max(total, done));
        }
    }

    private int rewrapBatch(Connection c, int primary) throws SQLException {
        Kek kek = keys.kek();
        try (PreparedStatement select = c.prepareStatement("SELECT type, id, wrapped FROM data_keys WHERE kek_id <> ?"
                + " ORDER BY type, id LIMIT " + BATCH + " FOR UPDATE");
                PreparedStatement update = c.prepareStatement(
                        "UPDATE data_keys SET kek_id = ?, wrapped = ? WHERE type = ? AND id = ?")) {
            select.setInt(1, primary);
            int count = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ResourceKey key = new ResourceKey(rows.getString(1), rows.getString(2));
                    update.setInt(1, primary);
                    update.setBytes(2, kek.wrap(key, kek.unwrap(key, rows.getBytes(3))));
                    update.setString(3, key.type());
                    update.setString(4, key.id());
                    update.addBatch();
                    count++;
                }
            }
            if (count > 0) {
                update.executeBatch();
            }
            return count;
        }
    }

    /**
     * Retires the old KEK once no data key is wrapped by it. The lock waits for writers that may have wrapped new data
     * keys with the old KEK (they lock the table before reading the KEK) and holds back new ones meanwhile.
     */
    private boolean retireIfDone(Connection c, int primary) throws SQLException {
        try (Statement lock = c.createStatement()) {
            lock.execute("LOCK TABLE data_keys IN SHARE MODE");
        }
        if (countOthers(c, primary) > 0) {
            return false;
        }
        keys.retireOldKeks();
        return true;
    }

    private static long countOthers(Connection c, int primary) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM data_keys WHERE kek_id <> ?")) {
            count.setInt(1, primary);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
