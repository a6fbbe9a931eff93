package org.bbehr.core.record;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a node keeps every version of its resources. Adapters encrypt what they keep (each resource under its own
 * data key) and hold no plaintext identifiers, only the blind-index tokens they are given.
 */
public interface RecordStore {

    /**
     * Writes the batch atomically and durably: when this returns, every version is stored (fsync'd) and its index
     * rows with it; when it throws, nothing is. Versions are numbered from 1, one more than the current each time.
     *
     * @throws org.bbehr.core.BbehrException {@code RECORD_VERSION_CONFLICT} when an expected version is not current,
     *     {@code RECORD_REFERENCED} when, after the batch, a current resource would still reference a resource the
     *     batch deletes, {@code RECORD_ERASED} when writing to an erased resource
     * @return the stored versions, in the order of the writes ({@link ResourceWrite.Relabel}s yield none)
     */
    List<StoredVersion> write(List<ResourceWrite> writes);

    /** Whether the resource exists and its current version is not a deletion. */
    default boolean isLive(ResourceKey key) {
        return findCurrent(key).filter(v -> !v.deleted()).isPresent();
    }

    /** The current version, deletions included. */
    Optional<StoredVersion> findCurrent(ResourceKey key);

    Optional<StoredVersion> findVersion(ResourceKey key, long version);

    /**
     * The current versions of several resources, in the order of {@code keys}, leaving out those that are absent,
     * deleted or erased: a page of search results in one read.
     */
    default List<StoredVersion> findLive(List<ResourceKey> keys) {
        List<StoredVersion> live = new java.util.ArrayList<>();
        for (ResourceKey key : keys) {
            try {
                findCurrent(key).filter(v -> !v.deleted()).ifPresent(live::add);
            } catch (org.bbehr.core.BbehrException e) {
                if (e.code() != org.bbehr.core.ErrorCode.RECORD_ERASED) {
                    throw e;
                }
            }
        }
        return live;
    }

    /** A resource's versions, newest first, at most {@code count}, skipping {@code offset}, updated after {@code since} if given. */
    List<StoredVersion> history(ResourceKey key, Instant since, int offset, int count);

    /** Versions of every resource of a type (or of all types if {@code type} is null), newest first. */
    List<StoredVersion> typeHistory(String type, Instant since, int offset, int count);

    /**
     * Current, not deleted resources of {@code type} with an identifier whose blind-index token is one of
     * {@code tokens} (an identifier's tokens under each key of the blind index), in the order of their keys.
     */
    List<ResourceKey> findByIdentifier(String type, List<String> tokens);

    /** Current, not deleted resources that reference {@code target}. */
    List<ResourceKey> findReferencing(ResourceKey target);

    /**
     * Makes every version of the resource unreadable for ever by deleting its data keys.
     *
     * @throws org.bbehr.core.BbehrException {@code RECORD_LEGAL_HOLD} while the resource is under legal hold,
     *     {@code RECORD_NOT_FOUND} when there is no such resource
     */
    void erase(ResourceKey key, String reason, String actor);

    /** Puts a resource under legal hold (erase refused) or lifts it. */
    void setLegalHold(ResourceKey key, boolean held);
}
