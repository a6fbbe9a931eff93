package org.bbehr.core.access;

import java.util.List;
import java.util.Objects;
import org.bbehr.core.record.ResourceKey;

/**
 * One decision of the door, for the audit trail: who did what to which resources (or to which type, for a search or a
 * history), and what was decided. It carries ids only, never search values or content.
 *
 * @param type the resource type acted on, or null for the whole server (server history)
 * @param keys the resources the decision was about: the one read or written, the matches of a search page
 */
public record AccessEvent(Actor actor, Action action, String type, List<ResourceKey> keys, Decision decision) {

    public AccessEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(decision, "decision");
        keys = List.copyOf(keys);
    }
}
