package org.bbehr.core.access;

import java.util.Optional;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.AccessClause;

/**
 * Decides what an actor may do, from what the store keeps with each version (its patient compartment and category)
 * and what the policy knows of the actor; never from a resource's content, so no decision needs a decryption. The
 * door asks it on every call.
 */
public interface AccessPolicy {

    /**
     * Whether the actor may do {@code action} on resources of {@code type} at all, asked before any look-up:
     * {@link Decision#FORBID} is answered at once, as a 403.
     *
     * @param type the resource type, or null for the whole server (server history)
     */
    Decision onType(Actor actor, Action action, String type);

    /** Whether the actor may do {@code action} on this resource, labelled so. */
    Decision onRecord(Actor actor, Action action, ResourceKey key, AccessLabels labels);

    /**
     * What the actor's searches of {@code type} may see: empty when everything, else the clause the door adds to the
     * query. Must admit exactly the resources for which {@link #onRecord} allows {@link Action#SEARCH}.
     */
    Optional<AccessClause> searchClause(Actor actor, String type);

    /**
     * Whether this actor sees and may write the whole store: then the door makes no per-record decision (each would
     * allow), and a PUT to a free id may create it. An actor from whom anything is hidden gets the same 404 for a PUT
     * to a free id as to a hidden one.
     */
    boolean seesEverything(Actor actor);
}
