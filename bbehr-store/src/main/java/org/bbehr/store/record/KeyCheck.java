package org.bbehr.store.record;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.NodeKeys;

/**
 * Checks at start that the node's keys are the ones its database was written with, so a node whose keys were lost
 * and re-created refuses to start instead of mixing records under two keys: the blind-index key must give the token
 * it gave on the first start, and the key-encryption keyset must hold the key that wrapped a stored data key.
 */
final class KeyCheck {

    private static final String PROBE_NAME = "blind-index";

    private KeyCheck() {}

    static void verify(Transactions transactions, NodeKeys keys) {
        verifyBlindIndex(transactions, keys);
        verifyKek(transactions, keys);
    }

    /** The blind-index key gives the token it gave on the first start for a fixed probe. */
    private static void verifyBlindIndex(Transactions transactions, NodeKeys keys) {
        String probe = keys.blindIndex().token("key-check", "bbehr");
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
        if (!stored.equals(probe)) {
            throw mismatch("blind-index key");
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
