package org.bbehr.core.search;

/** One key of a search's order. */
public record SortKey(Kind kind, String param, boolean descending) {

    /** What is sorted on: the id, the time of the current version, or a date or string parameter's values. */
    public enum Kind { ID, LAST_UPDATED, DATE, TEXT }
}
