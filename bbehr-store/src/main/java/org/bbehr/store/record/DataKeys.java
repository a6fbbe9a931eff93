package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.store.crypto.DataKey;
import org.bbehr.store.crypto.Kek;
import org.bbehr.store.crypto.NodeKeys;

/**
 * The resources' data keys: generated for new resources, stored wrapped by the key-encryption key in
 * {@code data_keys}, unwrapped when needed and kept unwrapped in a bounded cache: those of resources just written,
 * and of resources read twice within a while ({@link RecentMisses}).
 */
final class DataKeys {

    private static final int CACHE_ENTRIES = 10_000;
    private static final int REMEMBERED_MISSES = 8_192;

    private final NodeKeys keys;
    private final LruCache<ResourceKey, DataKey> cache = new LruCache<>(CACHE_ENTRIES);
    private final RecentMisses misses = new RecentMisses(REMEMBERED_MISSES);

    DataKeys(NodeKeys keys) {
        this.keys = keys;
    }

    /** The key-encryption key as it is now (it changes in a rotation). */
    org.bbehr.store.crypto.Kek kek() {
        return keys.kek();
    }

    /**
     * The data keys of existing resources, from the cache or the table.
     *
     * @throws BbehrException {@code RECORD_TAMPERED} when a resource's data key is missing or does not unwrap
     */
    Map<ResourceKey, DataKey> load(Connection connection, Collection<ResourceKey> resources) throws SQLException {
        Map<ResourceKey, DataKey> found = new HashMap<>();
        List<ResourceKey> missing = new ArrayList<>();
        for (ResourceKey key : resources) {
            DataKey cached = cache.get(key);
            if (cached != null) {
                found.put(key, cached);
            } else {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT type, id, wrapped FROM data_keys WHERE " + Keys.IN_KEYS)) {
                Keys.bind(connection, select, 1, missing);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ResourceKey key = new ResourceKey(rows.getString(1), rows.getString(2));
                        found.put(key, open(key, rows.getBytes(3)));
                    }
                }
            }
        }
        missing.stream().filter(k -> !found.containsKey(k)).findFirst().ifPresent(k -> {
            throw missingKey(k);
        });
        return found;
    }

    /**
     * Generates data keys for new resources and stores them wrapped, in the caller's transaction. Call
     * {@link #remember} once it has committed.
     */
    Map<ResourceKey, DataKey> create(Connection connection, Collection<ResourceKey> resources) throws SQLException {
        Map<ResourceKey, DataKey> created = new HashMap<>();
        if (resources.isEmpty()) {
            return created;
        }
        // Taken before the KEK is read, so a rotation that waits for this lock sees these rows (see KekRotation).
        try (Statement lock = connection.createStatement()) {
            lock.execute("LOCK TABLE data_keys IN ROW EXCLUSIVE MODE");
        }
        Kek kek = keys.kek();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO data_keys (type, id, kek_id, wrapped) VALUES (?, ?, ?, ?)")) {
            for (ResourceKey key : resources) {
                DataKey dataKey = DataKey.generate();
                insert.setString(1, key.type());
                insert.setString(2, key.id());
                insert.setInt(3, kek.primaryId());
                insert.setBytes(4, kek.wrap(key, dataKey));
                insert.addBatch();
                created.put(key, dataKey);
            }
            insert.executeBatch();
        }
        return created;
    }

    /**
     * A resource's data key, from the cache or by unwrapping {@code wrapped}; an unwrapped key is cached if it was
     * unwrapped lately too.
     *
     * @param wrapped the stored wrapped key, null when the row is missing (tampering unless the resource was erased)
     */
    DataKey open(ResourceKey key, byte[] wrapped) {
        if (wrapped == null) {
            throw missingKey(key);
        }
        DataKey cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        DataKey dataKey = keys.kek().unwrap(key, wrapped);
        if (misses.missedBefore(key)) {
            cache.put(key, dataKey);
        }
        return dataKey;
    }

    /**
     * Unwraps a resource's data key without touching the cache, for a pass over the whole store (which would only
     * churn it); a cached key is still used.
     */
    DataKey unwrapForScan(ResourceKey key, byte[] wrapped) {
        DataKey cached = cache.get(key);
        return cached != null ? cached : keys.kek().unwrap(key, wrapped);
    }

    /** Caches data keys whose rows have been committed. */
    void remember(Map<ResourceKey, DataKey> committed) {
        committed.forEach(cache::put);
    }

    /** Drops an erased resource's data key from the cache. */
    void forget(ResourceKey key) {
        cache.remove(key);
    }

    private static BbehrException missingKey(ResourceKey key) {
        return new BbehrException(ErrorCode.RECORD_TAMPERED, "the data key of " + key
                + " is missing, yet the resource was not erased");
    }
}
