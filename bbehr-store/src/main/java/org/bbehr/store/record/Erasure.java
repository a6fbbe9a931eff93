package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.ErasureMarker;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.store.crypto.DataKey;
import org.bbehr.store.crypto.Kek;

/**
 * Erases a resource in the caller's transaction: deletes its data key (so no version of it can ever be decrypted
 * again) and its index rows, marks it erased and logs who erased it and why, with an erasure marker that waits in
 * the outbox to be anchored. The ciphertexts stay, unreadable. The marker is sealed under the key-encryption key, so one
 * made up in the database is never anchored ({@link PostgresAnchorJournal}) and is named by {@code $verify}.
 */
final class Erasure {

    private Erasure() {}

    /** What an erasure's seal is bound to: the resource and the last version it erases. */
    static String sealContext(ResourceKey key, long versions) {
        return "erasure:" + key + "/" + versions;
    }

    static void erase(Connection c, ResourceKey key, String reason, String actor, OffsetDateTime at, Kek kek)
            throws SQLException {
        long versions = lockErasable(c, key);
        for (String sql : new String[] {
                "DELETE FROM data_keys WHERE type = ? AND id = ?",
                "DELETE FROM identifier_tokens WHERE type = ? AND id = ?",
                "DELETE FROM resource_references WHERE source_type = ? AND source_id = ?",
                "UPDATE resources SET erased = true, index_seal = NULL WHERE type = ? AND id = ?"}) {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setString(1, key.type());
                statement.setString(2, key.id());
                statement.executeUpdate();
            }
        }
        SearchRows.delete(c, java.util.List.of(key));
        ErasureMarker marker = new ErasureMarker(key, versions, reason, actor, at.toInstant(), DataKey.newSalt());
        try (PreparedStatement log = c.prepareStatement(
                "INSERT INTO erasures (type, id, reason, actor, erased_at, versions, salt, seal)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            log.setString(1, key.type());
            log.setString(2, key.id());
            log.setString(3, reason);
            log.setString(4, actor);
            log.setObject(5, at);
            log.setLong(6, versions);
            log.setBytes(7, marker.salt());
            log.setBytes(8, kek.seal(sealContext(key, versions), marker.hash().toArray()));
            log.executeUpdate();
        }
        Outbox.addMarker(c, marker, at);
    }

    /** Locks the resource's row; returns its current version. */
    private static long lockErasable(Connection c, ResourceKey key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT erased, legal_hold, current_version FROM resources WHERE type = ? AND id = ? FOR UPDATE")) {
            select.setString(1, key.type());
            select.setString(2, key.id());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next() || row.getBoolean(1)) {
                    throw new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + key);
                }
                if (row.getBoolean(2)) {
                    throw new BbehrException(ErrorCode.RECORD_LEGAL_HOLD, key
                            + " is under legal hold and cannot be erased");
                }
                return row.getLong(3);
            }
        }
    }
}
