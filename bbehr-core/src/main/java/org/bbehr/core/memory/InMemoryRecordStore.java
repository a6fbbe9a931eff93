package org.bbehr.core.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.core.search.IndexMatcher;
import org.bbehr.core.search.RecordSearch;
import org.bbehr.core.search.SearchPage;
import org.bbehr.core.search.SearchQuery;

/** A {@link RecordStore} in memory, for tests and tools; not durable and not encrypted. Thread-safe. */
public final class InMemoryRecordStore implements RecordStore, RecordSearch {

    private record Entry(List<StoredVersion> versions, IndexEntries index, boolean legalHold, boolean erased) {}

    private final Map<ResourceKey, Entry> entries = new HashMap<>();
    private final Map<String, Set<ResourceKey>> byToken = new HashMap<>();
    private final Clock clock;

    public InMemoryRecordStore() {
        this(Clock.systemUTC());
    }

    public InMemoryRecordStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized List<StoredVersion> write(List<ResourceWrite> writes) {
        Map<ResourceKey, Entry> staged = new HashMap<>();
        List<StoredVersion> stored = new ArrayList<>();
        Instant now = clock.instant();
        for (ResourceWrite write : writes) {
            Entry entry = staged.getOrDefault(write.key(), entries.get(write.key()));
            if (entry != null && entry.erased()) {
                throw new BbehrException(ErrorCode.RECORD_ERASED, write.key() + " was erased");
            }
            if (write instanceof ResourceWrite.Relabel relabel) {
                if (entry == null) {
                    throw new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + write.key());
                }
                List<StoredVersion> versions = new ArrayList<>(entry.versions());
                StoredVersion last = versions.getLast();
                versions.set(versions.size() - 1, new StoredVersion(last.key(), last.version(), last.lastUpdated(),
                        last.deleted(), last.content(), relabel.labels()));
                staged.put(write.key(), new Entry(List.copyOf(versions), entry.index(), entry.legalHold(), false));
                continue;
            }
            long current = entry == null ? 0 : entry.versions().getLast().version();
            if (write.expectedVersion().isPresent() && write.expectedVersion().getAsLong() != current) {
                throw new BbehrException(ErrorCode.RECORD_VERSION_CONFLICT, write.key() + " is at version " + current
                        + ", not " + write.expectedVersion().getAsLong());
            }
            boolean delete = write instanceof ResourceWrite.Delete;
            byte[] content = write instanceof ResourceWrite.Put put ? put.content().clone() : new byte[0];
            IndexEntries index = write instanceof ResourceWrite.Put put ? put.index() : IndexEntries.NONE;
            AccessLabels labels = write instanceof ResourceWrite.Put put ? put.labels()
                    : entry == null ? AccessLabels.UNLABELLED : entry.versions().getLast().labels();
            StoredVersion version = new StoredVersion(write.key(), current + 1, now, delete, content, labels);
            List<StoredVersion> versions = new ArrayList<>(entry == null ? List.of() : entry.versions());
            versions.add(version);
            staged.put(write.key(), new Entry(List.copyOf(versions), index, entry != null && entry.legalHold(), false));
            stored.add(version);
        }
        requireUnreferenced(writes, staged);
        staged.forEach(this::replace);
        return stored;
    }

    @Override
    public synchronized Optional<StoredVersion> findCurrent(ResourceKey key) {
        return readable(key).map(e -> e.versions().getLast());
    }

    @Override
    public synchronized Optional<StoredVersion> findVersion(ResourceKey key, long version) {
        return readable(key).flatMap(e -> e.versions().stream().filter(v -> v.version() == version).findFirst());
    }

    @Override
    public synchronized List<StoredVersion> history(ResourceKey key, Instant since, int offset, int count) {
        return page(readable(key).stream().flatMap(e -> e.versions().stream()), since, offset, count);
    }

    @Override
    public synchronized List<StoredVersion> typeHistory(String type, Instant since, int offset, int count) {
        return page(entries.values().stream()
                .filter(e -> !e.erased())
                .flatMap(e -> e.versions().stream())
                .filter(v -> type == null || v.key().type().equals(type)), since, offset, count);
    }

    @Override
    public synchronized List<ResourceKey> findByIdentifier(String type, List<String> tokens) {
        return tokens.stream().flatMap(token -> byToken.getOrDefault(token, Set.of()).stream()).distinct()
                .filter(k -> k.type().equals(type) && isLiveEntry(entries.get(k)))
                .sorted(Comparator.comparing(ResourceKey::toString))
                .toList();
    }

    @Override
    public synchronized List<ResourceKey> findReferencing(ResourceKey target) {
        return live().filter(k -> entries.get(k).index().references().contains(target))
                .sorted(Comparator.comparing(ResourceKey::toString))
                .toList();
    }

    @Override
    public synchronized SearchPage searchFrom(SearchQuery query, Optional<SearchPage.Position> after) {
        Comparator<SearchPage.Position> order = IndexMatcher.order(query.sort());
        List<SearchPage.Position> page = matching(query)
                .map(k -> IndexMatcher.position(query.sort(), k, lastUpdated(k), entries.get(k).index()))
                .sorted(order)
                .filter(p -> after.isEmpty() || order.compare(p, after.get()) > 0)
                .limit(query.limit())
                .toList();
        return new SearchPage(page.stream().map(p -> new ResourceKey(query.type(), p.id())).toList(),
                page.isEmpty() ? Optional.empty() : Optional.of(page.getLast()));
    }

    @Override
    public synchronized long count(SearchQuery query) {
        return matching(query).count();
    }

    private Stream<ResourceKey> matching(SearchQuery query) {
        return live().filter(k -> k.type().equals(query.type()))
                .filter(k -> query.access().map(a -> a.admits(entries.get(k).versions().getLast().labels()))
                        .orElse(true))
                .filter(k -> IndexMatcher.matches(query, k, lastUpdated(k), entries.get(k).index()));
    }

    private Instant lastUpdated(ResourceKey key) {
        return entries.get(key).versions().getLast().lastUpdated();
    }

    @Override
    public synchronized void erase(ResourceKey key, String reason, String actor) {
        Entry entry = entries.get(key);
        if (entry == null || entry.erased()) {
            throw new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + key);
        }
        if (entry.legalHold()) {
            throw new BbehrException(ErrorCode.RECORD_LEGAL_HOLD, key + " is under legal hold and cannot be erased");
        }
        replace(key, new Entry(entry.versions(), IndexEntries.NONE, false, true));
    }

    @Override
    public synchronized void setLegalHold(ResourceKey key, boolean held) {
        Entry entry = entries.get(key);
        if (entry == null || entry.erased()) {
            throw new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + key);
        }
        entries.put(key, new Entry(entry.versions(), entry.index(), held, false));
    }

    /** Puts an entry in place, keeping the identifier index in step. */
    private void replace(ResourceKey key, Entry entry) {
        Entry previous = entries.put(key, entry);
        if (previous != null) {
            previous.index().identifierTokens().forEach(t -> byToken.getOrDefault(t, new HashSet<>()).remove(key));
        }
        entry.index().identifierTokens().forEach(t -> byToken.computeIfAbsent(t, x -> new HashSet<>()).add(key));
    }

    private static boolean isLiveEntry(Entry entry) {
        return entry != null && !entry.erased() && !entry.versions().getLast().deleted();
    }

    private Optional<Entry> readable(ResourceKey key) {
        Entry entry = entries.get(key);
        if (entry != null && entry.erased()) {
            throw new BbehrException(ErrorCode.RECORD_ERASED, key + " was erased");
        }
        return Optional.ofNullable(entry);
    }

    private Stream<ResourceKey> live() {
        return entries.entrySet().stream().filter(e -> isLiveEntry(e.getValue())).map(Map.Entry::getKey);
    }

    private void requireUnreferenced(List<ResourceWrite> writes, Map<ResourceKey, Entry> staged) {
        Set<ResourceKey> deleted = new HashSet<>();
        writes.stream().filter(w -> w instanceof ResourceWrite.Delete).forEach(w -> deleted.add(w.key()));
        if (deleted.isEmpty()) {
            return;
        }
        Map<ResourceKey, Entry> after = new HashMap<>(entries);
        after.putAll(staged);
        for (ResourceKey target : deleted) {
            for (var e : after.entrySet()) {
                boolean live = !e.getValue().erased() && !e.getValue().versions().getLast().deleted();
                if (live && e.getValue().index().references().contains(target)) {
                    throw new BbehrException(ErrorCode.RECORD_REFERENCED, target + " is still referenced by "
                            + e.getKey());
                }
            }
        }
    }

    private static List<StoredVersion> page(Stream<StoredVersion> versions, Instant since, int offset, int count) {
        return versions.filter(v -> since == null || v.lastUpdated().isAfter(since))
                .sorted(Comparator.comparing(StoredVersion::lastUpdated).thenComparing(StoredVersion::version)
                        .reversed())
                .skip(offset)
                .limit(count)
                .toList();
    }
}
