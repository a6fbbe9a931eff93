package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.ContentHash;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.store.crypto.DataKey;

/**
 * One {@code RecordStore.write} batch in the caller's transaction: locks the resources it writes (and, more lightly,
 * those it references, so a concurrent delete sees the new references), numbers the versions, encrypts and stores
 * them, replaces the index rows, adds the outbox rows and checks that nothing deleted is still referenced.
 */
final class WriteBatch {

    /** What the batch stored, and the data keys it created (to cache once committed). */
    record Result(List<StoredVersion> versions, Map<ResourceKey, DataKey> createdKeys) {}

    private record Current(long version, boolean erased, AccessLabels labels, boolean legalHold, long stateSeq) {}

    private static final Comparator<ResourceKey> KEY_ORDER =
            Comparator.comparing(ResourceKey::type).thenComparing(ResourceKey::id);

    private final Connection connection;
    private final DataKeys dataKeys;
    private final OffsetDateTime now;

    WriteBatch(Connection connection, DataKeys dataKeys, Instant now) {
        this.connection = connection;
        this.dataKeys = dataKeys;
        this.now = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    }

    Result apply(List<ResourceWrite> batch) throws SQLException {
        List<ResourceWrite.Relabel> relabels = batch.stream().filter(ResourceWrite.Relabel.class::isInstance)
                .map(ResourceWrite.Relabel.class::cast).toList();
        List<ResourceWrite> writes = batch.stream().filter(w -> !(w instanceof ResourceWrite.Relabel)).toList();
        List<ResourceKey> written = writes.stream().map(ResourceWrite::key).distinct().sorted(KEY_ORDER).toList();
        Set<ResourceKey> deleted = keysOf(writes, ResourceWrite.Delete.class);
        // every row the batch changes is locked in one statement, in one order, so batches can't deadlock
        List<ResourceKey> locked = batch.stream().map(ResourceWrite::key).distinct().sorted(KEY_ORDER).toList();
        Map<ResourceKey, Current> existing = lock(locked, !deleted.isEmpty());
        Map<ResourceKey, Current> relabelled = new HashMap<>(existing);
        existing.keySet().retainAll(new HashSet<>(written));
        if (writes.isEmpty()) {
            relabel(relabels, relabelled, Set.of());
            return new Result(List.of(), Map.of());
        }
        lockReferenced(writes, written);
        List<StoredVersion> versions = number(writes, existing);
        Map<ResourceKey, DataKey> keys = new HashMap<>(dataKeys.load(connection, existing.keySet()));
        Map<ResourceKey, DataKey> created = dataKeys.create(connection,
                written.stream().filter(k -> !existing.containsKey(k)).toList());
        keys.putAll(created);
        requireSealed(existing, keys);
        List<Bytes32> contentHashes = insertVersions(versions, keys);
        Map<ResourceKey, IndexEntries> index = currentIndex(writes);
        upsertResources(versions, index, keys, existing);
        IndexRows.delete(connection, existing.keySet());
        IndexRows.insert(connection, index);
        Outbox.add(connection, versions, contentHashes, now);
        IndexRows.requireUnreferenced(connection, deleted);
        relabel(relabels, relabelled, new HashSet<>(written));
        return new Result(versions, created);
    }

    /**
     * New labels on resources' current versions (the resource's row and its current version's row), no new version;
     * after the batch's versions, so a resource written in the same batch is relabelled as written.
     */
    private void relabel(List<ResourceWrite.Relabel> relabels, Map<ResourceKey, Current> existing,
            Set<ResourceKey> written) throws SQLException {
        if (relabels.isEmpty()) {
            return;
        }
        for (ResourceWrite.Relabel relabel : relabels) {
            Current state = existing.get(relabel.key());
            if (state == null && !written.contains(relabel.key())) {
                throw new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + relabel.key());
            }
            if (state != null && state.erased()) {
                throw new BbehrException(ErrorCode.RECORD_ERASED, relabel.key() + " was erased");
            }
        }
        // a seal that holds before the change is made again after it; a broken one stays broken ($verify names it)
        Map<ResourceKey, Long> current = currentVersions(relabels.stream().map(ResourceWrite::key).toList());
        Map<ResourceKey, DataKey> sealing = dataKeys.load(connection, current.keySet());
        Map<ResourceKey, Long> intact = IndexSeal.intact(connection, current, sealing);
        try (PreparedStatement resource = connection.prepareStatement(
                "UPDATE resources SET compartment = ?, category = ?, state_seq = state_seq + 1"
                        + " WHERE type = ? AND id = ?");
                PreparedStatement version = connection.prepareStatement("UPDATE versions v SET compartment = ?,"
                        + " category = ? FROM resources r WHERE r.type = ? AND r.id = ? AND v.type = r.type"
                        + " AND v.id = r.id AND v.version = r.current_version")) {
            for (ResourceWrite.Relabel relabel : relabels) {
                for (PreparedStatement update : List.of(resource, version)) {
                    Labels.bind(connection, update, 1, relabel.labels());
                    update.setString(3, relabel.key().type());
                    update.setString(4, relabel.key().id());
                    update.addBatch();
                }
            }
            resource.executeBatch();
            version.executeBatch();
        }
        IndexSeal.reseal(connection, intact, sealing);
        for (ResourceKey key : current.keySet()) {
            Outbox.addStateChange(connection, key, IndexSeal.stateHash(connection, key), now, dataKeys.kek());
        }
    }

    /** The current version of each of {@code keys} that is not erased. */
    private Map<ResourceKey, Long> currentVersions(List<ResourceKey> keys) throws SQLException {
        Map<ResourceKey, Long> current = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT type, id, current_version FROM resources WHERE NOT erased AND " + Keys.IN_KEYS)) {
            Keys.bind(connection, select, 1, keys);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    current.put(new ResourceKey(rows.getString(1), rows.getString(2)), rows.getLong(3));
                }
            }
        }
        return current;
    }

    /**
     * Refuses to write over a resource whose index rows or state are not the ones the node sealed: a new version would
     * seal them as they are (a legal hold lifted in the database, say) and so approve the change.
     */
    private void requireSealed(Map<ResourceKey, Current> existing, Map<ResourceKey, DataKey> keys)
            throws SQLException {
        Map<ResourceKey, Long> current = new HashMap<>();
        existing.forEach((key, state) -> {
            if (!state.erased()) {
                current.put(key, state.version());
            }
        });
        Map<ResourceKey, Long> intact = IndexSeal.intact(connection, current, keys);
        for (ResourceKey key : current.keySet()) {
            if (!intact.containsKey(key)) {
                throw new BbehrException(ErrorCode.RECORD_TAMPERED, key + " was not written: its index rows or its"
                        + " state (legal hold, labels) are not the ones the node sealed; $verify names it");
            }
        }
    }

    /** Locks the existing rows of {@code keys}; a delete takes the lock that conflicts with new references to it. */
    private Map<ResourceKey, Current> lock(List<ResourceKey> keys, boolean deletes) throws SQLException {
        Map<ResourceKey, Current> existing = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT type, id, current_version, erased, compartment, category, legal_hold, state_seq FROM resources"
                        + " WHERE "
                        + Keys.IN_KEYS
                        + " ORDER BY type, id FOR " + (deletes ? "UPDATE" : "NO KEY UPDATE"))) {
            Keys.bind(connection, select, 1, keys);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    existing.put(new ResourceKey(rows.getString(1), rows.getString(2)),
                            new Current(rows.getLong(3), rows.getBoolean(4), Labels.read(rows, 5),
                                    rows.getBoolean(7), rows.getLong(8)));
                }
            }
        }
        return existing;
    }

    /** Keeps the resources this batch references from being deleted until it commits. */
    private void lockReferenced(List<ResourceWrite> writes, List<ResourceKey> written) throws SQLException {
        Set<ResourceKey> targets = new LinkedHashSet<>();
        writes.stream().filter(w -> w instanceof ResourceWrite.Put)
                .forEach(w -> targets.addAll(((ResourceWrite.Put) w).index().references()));
        written.forEach(targets::remove);
        if (targets.isEmpty()) {
            return;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM resources WHERE " + Keys.IN_KEYS + " ORDER BY type, id FOR KEY SHARE")) {
            Keys.bind(connection, select, 1, targets.stream().sorted(KEY_ORDER).toList());
            select.executeQuery().close();
        }
    }

    private List<StoredVersion> number(List<ResourceWrite> writes, Map<ResourceKey, Current> existing) {
        Map<ResourceKey, Long> current = new HashMap<>();
        Map<ResourceKey, AccessLabels> labels = new HashMap<>();
        existing.forEach((key, state) -> {
            current.put(key, state.version());
            labels.put(key, state.labels());
        });
        List<StoredVersion> versions = new ArrayList<>(writes.size());
        Instant lastUpdated = now.toInstant();
        for (ResourceWrite write : writes) {
            ResourceKey key = write.key();
            if (existing.containsKey(key) && existing.get(key).erased()) {
                throw new BbehrException(ErrorCode.RECORD_ERASED, key + " was erased");
            }
            long version = current.getOrDefault(key, 0L);
            if (write.expectedVersion().isPresent() && write.expectedVersion().getAsLong() != version) {
                throw new BbehrException(ErrorCode.RECORD_VERSION_CONFLICT, key + " is at version " + version
                        + ", not " + write.expectedVersion().getAsLong());
            }
            current.put(key, version + 1);
            byte[] content = write instanceof ResourceWrite.Put put ? put.content().clone() : new byte[0];
            // a deletion keeps the labels of the version it deletes
            AccessLabels written = write instanceof ResourceWrite.Put put ? put.labels()
                    : labels.getOrDefault(key, AccessLabels.UNLABELLED);
            labels.put(key, written);
            versions.add(new StoredVersion(key, version + 1, lastUpdated,
                    write instanceof ResourceWrite.Delete, content, written));
        }
        return versions;
    }

    /** Stores each version sealed behind a new salt; returns their content hashes, {@code keccak256(salt ‖ bytes)}. */
    private List<Bytes32> insertVersions(List<StoredVersion> versions, Map<ResourceKey, DataKey> keys)
            throws SQLException {
        List<Bytes32> hashes = new ArrayList<>(versions.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO versions (type, id, version, last_updated, deleted, ciphertext, compartment, category)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredVersion version : versions) {
                insert.setString(1, version.key().type());
                insert.setString(2, version.key().id());
                insert.setLong(3, version.version());
                insert.setObject(4, now);
                insert.setBoolean(5, version.deleted());
                byte[] salt = DataKey.newSalt();
                hashes.add(ContentHash.of(salt, version.content()));
                insert.setBytes(6, keys.get(version.key()).seal(version.key(), version.version(), salt,
                        version.content()));
                Labels.bind(connection, insert, 7, version.labels());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return hashes;
    }

    /**
     * Each resource's current state, with the seal of the index rows its current version will have and of its state
     * (its legal hold, kept, and its labels); a deletion's seal covers its state alone.
     */
    private void upsertResources(List<StoredVersion> versions, Map<ResourceKey, IndexEntries> index,
            Map<ResourceKey, DataKey> keys, Map<ResourceKey, Current> existing) throws SQLException {
        Map<ResourceKey, StoredVersion> last = new LinkedHashMap<>();
        versions.forEach(v -> last.put(v.key(), v));
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO resources (type, id, current_version, deleted, last_updated, index_seal, compartment,"
                        + " category) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET"
                        + " current_version = EXCLUDED.current_version, deleted = EXCLUDED.deleted,"
                        + " last_updated = EXCLUDED.last_updated, index_seal = EXCLUDED.index_seal,"
                        + " compartment = EXCLUDED.compartment, category = EXCLUDED.category")) {
            for (StoredVersion version : last.values()) {
                IndexEntries entries = index.get(version.key());
                upsert.setString(1, version.key().type());
                upsert.setString(2, version.key().id());
                upsert.setLong(3, version.version());
                upsert.setBoolean(4, version.deleted());
                upsert.setObject(5, now);
                Current before = existing.get(version.key());
                upsert.setBytes(6, keys.get(version.key()).sealIndex(version.key(), version.version(),
                        IndexSeal.digest(version.deleted() ? null : entries, before != null && before.legalHold(),
                                version.labels(), before == null ? 0 : before.stateSeq())));
                Labels.bind(connection, upsert, 7, version.labels());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** The index entries of each written resource whose last write in the batch is a put. */
    private static Map<ResourceKey, IndexEntries> currentIndex(List<ResourceWrite> writes) {
        Map<ResourceKey, IndexEntries> index = new LinkedHashMap<>();
        for (ResourceWrite write : writes) {
            if (write instanceof ResourceWrite.Put put) {
                index.put(put.key(), put.index());
            } else {
                index.remove(write.key());
            }
        }
        return index;
    }

    private static Set<ResourceKey> keysOf(List<ResourceWrite> writes, Class<? extends ResourceWrite> kind) {
        Set<ResourceKey> keys = new LinkedHashSet<>();
        writes.stream().filter(kind::isInstance).forEach(w -> keys.add(w.key()));
        return keys;
    }
}
