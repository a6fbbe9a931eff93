package org.bbehr.store.record;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The keys that missed a cache lately, kept lossily as hashes in a fixed table (nothing is allocated per miss). A
 * cache that admits a key only on its second miss within the table's span keeps the keys that are read again, while
 * a run of keys read once each (a scan, or reads spread over far more resources than the cache holds) neither pushes
 * them out nor fills the heap with entries that die soon after.
 */
final class RecentMisses {

    private final AtomicIntegerArray hashes;
    private final int mask;

    /** @param slots how many misses are remembered at most; a power of two */
    RecentMisses(int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.hashes = new AtomicIntegerArray(slots);
        this.mask = slots - 1;
    }

    /** Notes a miss of {@code key}; whether it had missed lately (two keys sharing a hash count as one). */
    boolean missedBefore(Object key) {
        int hash = key.hashCode();
        hash ^= hash >>> 16;
        int slot = hash & mask;
        if (hashes.get(slot) == hash) {
            return true;
        }
        hashes.set(slot, hash);
        return false;
    }
}
