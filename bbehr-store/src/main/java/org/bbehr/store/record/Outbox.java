package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.LeafKind;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ErasureMarker;
import org.bbehr.core.record.StoredVersion;

/** The outbox: one row per written version, added in the transaction that writes it, for the anchorer to take. */
final class Outbox {

    private Outbox() {}

    /** Adds the record versions with their content hashes (same order). */
    static void add(Connection connection, List<StoredVersion> versions, List<Bytes32> contentHashes,
            OffsetDateTime createdAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (type, id, version, created_at, kind, content_hash) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < versions.size(); i++) {
                StoredVersion version = versions.get(i);
                insert.setString(1, version.key().type());
                insert.setString(2, version.key().id());
                insert.setLong(3, version.version());
                insert.setObject(4, createdAt);
                insert.setShort(5, (short) LeafKind.RECORD_VERSION.ordinal());
                insert.setBytes(6, contentHashes.get(i).toArray());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** What a state change's seal is bound to: the resource and its state number. */
    static String stateChangeContext(ResourceKey key, long stateSeq) {
        return "state-change:" + key + "/" + stateSeq;
    }

    /**
     * Adds a change of the resource's state (a legal hold, a relabel), to be anchored as a state-change leaf under
     * the resource's new state sequence with the state's hash, sealed under the key-encryption key.
     */
    static void addStateChange(Connection connection, ResourceKey key, Bytes32 stateHash, OffsetDateTime createdAt,
            org.bbehr.store.crypto.Kek kek) throws SQLException {
        long stateSeq;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT state_seq FROM resources WHERE type = ? AND id = ?")) {
            select.setString(1, key.type());
            select.setString(2, key.id());
            try (java.sql.ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return;
                }
                stateSeq = row.getLong(1);
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox (type, id, version,"
                + " created_at, kind, content_hash, seal) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.type());
            insert.setString(2, key.id());
            insert.setLong(3, stateSeq);
            insert.setObject(4, createdAt);
            insert.setShort(5, (short) LeafKind.STATE_CHANGE.ordinal());
            insert.setBytes(6, stateHash.toArray());
            insert.setBytes(7, kek.seal(stateChangeContext(key, stateSeq), stateHash.toArray()));
            insert.executeUpdate();
        }
    }

    /** Adds an erasure marker, to be anchored with kind erasures under the resource's last erased version. */
    static void addMarker(Connection connection, ErasureMarker marker, OffsetDateTime createdAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (type, id, version, created_at, kind, content_hash) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, marker.key().type());
            insert.setString(2, marker.key().id());
            insert.setLong(3, marker.versions());
            insert.setObject(4, createdAt);
            insert.setShort(5, (short) LeafKind.ERASURE_MARKER.ordinal());
            insert.setBytes(6, marker.hash().toArray());
            insert.executeUpdate();
        }
    }
}
