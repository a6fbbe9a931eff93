package org.bbehr.core.access;

/**
 * A policy's answer. A "no" is a value, not an exception: the door turns {@link #HIDE} into the same answer as for a
 * resource that does not exist and {@link #FORBID} into a refusal that says so.
 */
public enum Decision {
    ALLOW,
    /** Denied, and the resource's existence is not revealed: answered as if it did not exist. */
    HIDE,
    /** Denied, and said so: the actor may know that the resource or the type exists. */
    FORBID;

    public boolean allowed() {
        return this == ALLOW;
    }

    /** The stricter of two decisions. */
    public Decision and(Decision other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
