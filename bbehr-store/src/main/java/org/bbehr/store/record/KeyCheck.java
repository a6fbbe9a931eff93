package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.NodeKeys;

/**
 * Checks at start that the node's keys are the ones its database was written with, so a node whose keys were lost
 * and re-created refuses to start instead of mixing records under two keys: a blind-index key must give the probe
 * token stored on the first start (or by the last finished rotation), and the key-encryption keyset must hold the key
 * that wrapped a stored data key.
 */
final class KeyCheck {

    private static final String PROBE_NAME = "blind-index";
    private static final String PROBE_KIND = "key-check";
    private static final String PROBE_VALUE = "bbehr";

    private KeyCheck() {}

    static void verify(Transactions transactions, NodeKeys keys) {
        verifyBlindIndex(transactions, keys);
        verifyKek(transactions, keys);
    }

    /**
     * A key of the blind-index keyset gives the token stored for a fixed probe: the primary, or while a rotation is
     * unfinished, the old key.
     */
    private static void verifyBlindIndex(Transactions transactions, NodeKeys keys) {
        String probe = keys.blindIndex().token(PROBE_KIND, PROBE_VALUE);
        String stored = transactions.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO key_check (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, PROBE_NAME);
                insert.setString(2, probe);
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM key_check WHERE name = ?")) {
                select.setString(1, PROBE_NAME);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            }
        });
        if (!keys.blindIndex().tokens(PROBE_KIND, PROBE_VALUE).contains(stored)) {
            throw mismatch("blind-index key");
        }
    }

    /** Stores the probe token of the blind-index keyset's primary, once every token stored is under it. */
    static void recordBlindIndexPrimary(Connection c, NodeKeys keys) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE key_check SET value = ? WHERE name = ?")) {
            update.setString(1, keys.blindIndex().token(PROBE_KIND, PROBE_VALUE));
            update.setString(2, PROBE_NAME);
            update.executeUpdate();
        }
    }

    /** The key-encryption keyset holds the key that wrapped a stored data key (checked on one). */
    private static void verifyKek(Transactions transactions, NodeKeys keys) {
        int storedKek = transactions.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT kek_id FROM data_keys LIMIT 1");
                    ResultSet row = select.executeQuery()) {
                return row.next() ? row.getInt(1) : keys.kek().primaryId();
            }
        });
        if (!keys.kek().holds(storedKek)) {
            throw mismatch("key-encryption key");
        }
    }

    private static BbehrException mismatch(String which) {
        return new BbehrException(ErrorCode.KEYS_MISMATCH, "the node's " + which + " is not the one this database was"
                + " written with: restore the node's keys from their backup (bbehr keys restore)");
    }
}
