package org.bbehr.core.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchoredReads;
import org.bbehr.core.anchor.AnchoredReads.AnchoredVersion;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.record.StoredVersion;
import org.bbehr.core.search.RecordSearch;
import org.bbehr.core.search.SearchPage;
import org.bbehr.core.search.SearchQuery;

/**
 * The one door to the records: every read, history, search and write of the node goes through it, names its
 * {@link Actor}, is decided by the {@link AccessPolicy} from the labels stored with each version (no decryption needed
 * to decide), and is reported to the {@link AuditTrail}. A resource the policy hides is answered exactly as one that
 * does not exist; a search sees only what the policy admits, in the query itself. Writes make their blind-index tokens
 * and store them while the blind index's primary key cannot change. See docs/access.md.
 */
public final class RecordAccess {

    /**
     * What the door guards and how.
     *
     * @param anchoredReads reads of a version with its anchoring in one look-up, when the store keeps both
     */
    public record Parts(RecordStore store, RecordSearch search, Optional<AnchoredReads> anchoredReads,
            BlindIndex blindIndex, AccessPolicy policy, AuditTrail audit) {

        public Parts {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(search, "search");
            Objects.requireNonNull(anchoredReads, "anchoredReads");
            Objects.requireNonNull(blindIndex, "blindIndex");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(audit, "audit");
        }
    }

    private final RecordStore store;
    private final RecordSearch search;
    private final Optional<AnchoredReads> anchoredReads;
    private final BlindIndex blindIndex;
    private final AccessPolicy policy;
    private final AuditTrail audit;

    public RecordAccess(Parts parts) {
        this.store = parts.store();
        this.search = parts.search();
        this.anchoredReads = parts.anchoredReads();
        this.blindIndex = parts.blindIndex();
        this.policy = parts.policy();
        this.audit = parts.audit();
    }

    /** The blind index whose tokens searches and writes use. */
    public BlindIndex blindIndex() {
        return blindIndex;
    }

    // reads

    /** The current version, deletions included; empty when there is none or the actor may not see it. */
    public Optional<StoredVersion> findCurrent(Actor actor, ResourceKey key) {
        return judged(actor, key, () -> store.findCurrent(key), Function.identity(), false);
    }

    /** Like {@link #findCurrent}, with the version's anchoring, in one look-up where the store can. */
    public Optional<AnchoredVersion> findCurrentAnchored(Actor actor, ResourceKey key) {
        return judged(actor, key, () -> anchoredReads.map(reads -> reads.findCurrentAnchored(key))
                .orElseGet(() -> store.findCurrent(key).map(RecordAccess::unanchored)), AnchoredVersion::version, false);
    }

    /**
     * One version; empty when there is none or the actor may not see it, judged by the stricter of its own labels and
     * the current version's (relabelling a record sensitive protects its history).
     */
    public Optional<StoredVersion> findVersion(Actor actor, ResourceKey key, long version) {
        return judged(actor, key, () -> store.findVersion(key, version), Function.identity(), true);
    }

    /** Like {@link #findVersion}, with the version's anchoring. */
    public Optional<AnchoredVersion> findVersionAnchored(Actor actor, ResourceKey key, long version) {
        return judged(actor, key, () -> anchoredReads.map(reads -> reads.findVersionAnchored(key, version))
                .orElseGet(() -> store.findVersion(key, version).map(RecordAccess::unanchored)),
                AnchoredVersion::version, true);
    }

    /** Whether the resource exists, is not deleted, and the actor may see it. */
    public boolean isLive(Actor actor, ResourceKey key) {
        if (policy.seesEverything(actor)) {
            requireType(actor, Action.READ, key.type());
            boolean live = store.isLive(key);
            report(actor, Action.READ, key.type(), List.of(key), Decision.ALLOW);
            return live;
        }
        return findCurrent(actor, key).filter(v -> !v.deleted()).isPresent();
    }

    /** The current, live versions of {@code keys} that the actor may see, in their order: a page of results. */
    public List<StoredVersion> findLive(Actor actor, List<ResourceKey> keys) {
        return visible(actor, Action.READ, null, store.findLive(keys));
    }

    /** A resource's versions, newest first; empty when the actor may not see the resource. */
    public List<StoredVersion> history(Actor actor, ResourceKey key, Instant since, int offset, int count) {
        requireType(actor, Action.HISTORY, key.type());
        List<StoredVersion> versions = store.history(key, since, offset, count);
        if (policy.seesEverything(actor)) {
            report(actor, Action.HISTORY, key.type(), List.of(key), Decision.ALLOW);
            return versions;
        }
        Optional<AccessLabels> current = store.findCurrent(key).map(StoredVersion::labels);
        List<StoredVersion> shown = new ArrayList<>();
        for (StoredVersion version : versions) {
            AccessLabels labels = current.map(version.labels()::withCurrent).orElse(version.labels());
            if (policy.onRecord(actor, Action.HISTORY, key, labels).allowed()) {
                shown.add(version);
            }
        }
        report(actor, Action.HISTORY, key.type(), List.of(key), shown.size() == versions.size() ? Decision.ALLOW
                : Decision.HIDE);
        return shown;
    }

    /**
     * Versions of every resource of a type (or of all types, {@code type} null), newest first, leaving out those the
     * actor may not see (so a page may be shorter than {@code count} for such an actor).
     */
    public List<StoredVersion> typeHistory(Actor actor, String type, Instant since, int offset, int count) {
        return visible(actor, Action.HISTORY, type, store.typeHistory(type, since, offset, count));
    }

    /** Current, live resources of {@code type} with one of these identifier tokens that the actor may see. */
    public List<ResourceKey> findByIdentifier(Actor actor, String type, List<String> tokens) {
        return visibleKeys(actor, Action.SEARCH, type, store.findByIdentifier(type, tokens));
    }

    /** Current, live resources that reference {@code target} and that the actor may see. */
    public List<ResourceKey> findReferencing(Actor actor, ResourceKey target) {
        return visibleKeys(actor, Action.SEARCH, null, store.findReferencing(target));
    }

    // searches

    /** The matches the actor may see after {@code after}: the policy's access clause is part of the query. */
    public SearchPage searchFrom(Actor actor, SearchQuery query, Optional<SearchPage.Position> after) {
        SearchPage page = search.searchFrom(restricted(actor, query), after);
        report(actor, Action.SEARCH, query.type(), page.keys(), Decision.ALLOW);
        return page;
    }

    /** The first matches the actor may see, at most the query's limit. */
    public List<ResourceKey> search(Actor actor, SearchQuery query) {
        return searchFrom(actor, query, Optional.empty()).keys();
    }

    /** How many resources the actor may see match. */
    public long count(Actor actor, SearchQuery query) {
        long count = search.count(restricted(actor, query));
        report(actor, Action.SEARCH, query.type(), List.of(), Decision.ALLOW);
        return count;
    }

    private SearchQuery restricted(Actor actor, SearchQuery query) {
        requireType(actor, Action.SEARCH, query.type());
        return policy.searchClause(actor, query.type()).map(query::withAccess).orElse(query);
    }

    // writes

    /**
     * Prepares and writes a batch atomically while the blind index's primary key cannot change, so that a key
     * rotation's re-index never misses tokens made under the old key. {@code prepare} makes the writes (and may look
     * records up through this door); each must be allowed to the actor, for the labels it writes and for the labels
     * the resource has now (moving a resource from one patient's compartment to another's is a write in both).
     *
     * @throws BbehrException {@code RECORD_NOT_FOUND} for a write to a resource the actor may not see, or, for an
     *     actor from whom anything is hidden, a PUT to a free id (the same answer); {@code ACCESS_FORBIDDEN} when the
     *     policy forbids it; the store's own codes
     */
    public List<StoredVersion> write(Actor actor, Supplier<List<ResourceWrite>> prepare) {
        return blindIndex.withStablePrimary(() -> {
            List<ResourceWrite> writes = prepare.get();
            if (writes.isEmpty()) {
                return List.of();
            }
            for (ResourceWrite write : writes) {
                requireType(actor, actionOf(write), write.key().type());
            }
            if (!policy.seesEverything(actor)) {
                for (ResourceWrite write : writes) {
                    judgeWrite(actor, write);
                }
            }
            List<StoredVersion> stored = storeWrites(actor, writes);
            for (ResourceWrite write : writes) {
                report(actor, actionOf(write), write.key().type(), List.of(write.key()), Decision.ALLOW);
            }
            return stored;
        });
    }

    private List<StoredVersion> storeWrites(Actor actor, List<ResourceWrite> writes) {
        try {
            return store.write(writes);
        } catch (BbehrException e) {
            if (e.code() == ErrorCode.RECORD_REFERENCED && !policy.seesEverything(actor)) {
                // the store names the referencing resource, which this actor may not be allowed to know of
                throw new BbehrException(ErrorCode.RECORD_REFERENCED, "the resource is still referenced by other"
                        + " resources, so it cannot be deleted");
            }
            throw e;
        }
    }

    private void judgeWrite(Actor actor, ResourceWrite write) {
        ResourceKey key = write.key();
        Action action = actionOf(write);
        Optional<StoredVersion> current = store.findCurrent(key);
        Decision decision = Decision.ALLOW;
        if (current.isPresent()) {
            decision = policy.onRecord(actor, action, key, current.get().labels());
        } else if (write instanceof ResourceWrite.Put put && put.expectedVersion().isEmpty()) {
            // update as create: only for actors that see the whole store, so a free id answers as a hidden one
            decision = Decision.HIDE;
        }
        if (decision.allowed() && write instanceof ResourceWrite.Put put) {
            decision = policy.onRecord(actor, action, key, put.labels());
        } else if (decision.allowed() && write instanceof ResourceWrite.Relabel relabel) {
            decision = policy.onRecord(actor, action, key, relabel.labels());
        }
        if (!decision.allowed()) {
            report(actor, action, key.type(), List.of(key), decision);
            throw denied(decision, key);
        }
    }

    private static Action actionOf(ResourceWrite write) {
        return write instanceof ResourceWrite.Delete ? Action.DELETE : Action.WRITE;
    }

    // decisions

    private <T> Optional<T> judged(Actor actor, ResourceKey key, Supplier<Optional<T>> read,
            Function<T, StoredVersion> version, boolean withCurrent) {
        requireType(actor, Action.READ, key.type());
        Optional<T> found = read.get();
        if (found.isEmpty() || policy.seesEverything(actor)) {
            report(actor, Action.READ, key.type(), List.of(key), Decision.ALLOW);
            return found;
        }
        AccessLabels labels = version.apply(found.get()).labels();
        if (withCurrent) {
            Optional<StoredVersion> current = store.findCurrent(key);
            if (current.isPresent()) {
                labels = labels.withCurrent(current.get().labels());
            }
        }
        Decision decision = policy.onRecord(actor, Action.READ, key, labels);
        report(actor, Action.READ, key.type(), List.of(key), decision);
        if (decision == Decision.FORBID) {
            throw denied(decision, key);
        }
        return decision.allowed() ? found : Optional.empty();
    }

    private List<StoredVersion> visible(Actor actor, Action action, String type, List<StoredVersion> versions) {
        requireType(actor, action, type);
        if (policy.seesEverything(actor)) {
            report(actor, action, type, versions.stream().map(StoredVersion::key).toList(), Decision.ALLOW);
            return versions;
        }
        List<StoredVersion> shown = new ArrayList<>();
        for (StoredVersion v : versions) {
            if (policy.onRecord(actor, action, v.key(), v.labels()).allowed()) {
                shown.add(v);
            }
        }
        report(actor, action, type, shown.stream().map(StoredVersion::key).toList(), Decision.ALLOW);
        return shown;
    }

    private List<ResourceKey> visibleKeys(Actor actor, Action action, String type, List<ResourceKey> keys) {
        requireType(actor, action, type);
        if (policy.seesEverything(actor)) {
            report(actor, action, type, keys, Decision.ALLOW);
            return keys;
        }
        Map<ResourceKey, StoredVersion> live = new LinkedHashMap<>();
        store.findLive(keys).forEach(v -> live.put(v.key(), v));
        List<ResourceKey> shown = keys.stream().filter(live::containsKey)
                .filter(k -> policy.onRecord(actor, action, k, live.get(k).labels()).allowed()).toList();
        report(actor, action, type, shown, Decision.ALLOW);
        return shown;
    }

    private void requireType(Actor actor, Action action, String type) {
        Decision decision = policy.onType(actor, action, type);
        if (!decision.allowed()) {
            report(actor, action, type, List.of(), decision);
            throw new BbehrException(ErrorCode.ACCESS_FORBIDDEN, "not allowed to " + action.name().toLowerCase()
                    + (type == null ? " the server's records" : " " + type + " resources"));
        }
    }

    private static BbehrException denied(Decision decision, ResourceKey key) {
        return decision == Decision.FORBID
                ? new BbehrException(ErrorCode.ACCESS_FORBIDDEN, "not allowed to access " + key)
                : new BbehrException(ErrorCode.RECORD_NOT_FOUND, "no resource " + key);
    }

    private void report(Actor actor, Action action, String type, List<ResourceKey> keys, Decision decision) {
        audit.record(new AccessEvent(actor, action, type, keys, decision));
    }

    private static AnchoredVersion unanchored(StoredVersion version) {
        return new AnchoredVersion(version, Optional.empty());
    }
}
