package org.bbehr.core.record;

/**
 * What an anchored leaf stands for; the leaf's hashed bytes start with it, so a leaf of one kind never verifies as
 * another and one batch carries any kinds. The ordinal is the contract's {@code LeafKind} value.
 */
public enum LeafKind {
    /** A record version: its version number and content hash. */
    RECORD_VERSION,
    /** An erasure marker: the last version it erases and the marker's hash. */
    ERASURE_MARKER,
    /** A change of a resource's state (delete, legal hold, relabel): its state sequence and the state's hash. */
    STATE_CHANGE,
    /** An audit entry: its sequence number and the entry's hash. */
    AUDIT_ENTRY,
    /** A receipt of a record exchanged with another hospital. */
    EXCHANGE_RECEIPT
}
