package org.bbehr.core.record;

/** What the leaves of an anchored batch are. The ordinal is the contract's enum value. */
public enum AnchorKind {
    RECORDS,
    AUDIT,
    ERASURES
}
