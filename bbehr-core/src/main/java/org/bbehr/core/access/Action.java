package org.bbehr.core.access;

/** What an actor does with records, as a policy decides on it and the audit trail records it. */
public enum Action {
    /** Reads a resource's current version, or one version of it. */
    READ,
    /** Lists a resource's, a type's or the server's versions. */
    HISTORY,
    /** Searches, counts, follows {@code _include}/{@code _revinclude}, resolves conditional criteria. */
    SEARCH,
    /** Creates a resource or writes a new version of it. */
    WRITE,
    /** Writes a deletion. */
    DELETE
}
