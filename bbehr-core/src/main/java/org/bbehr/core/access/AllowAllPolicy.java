package org.bbehr.core.access;

import java.util.Optional;
import org.bbehr.core.record.AccessLabels;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.search.AccessClause;

/**
 * Allows every actor everything: what the node runs with until login and consent exist, for {@link Actor#system} and
 * the requests that until then act as it.
 */
public final class AllowAllPolicy implements AccessPolicy {

    public static final AllowAllPolicy INSTANCE = new AllowAllPolicy();

    private AllowAllPolicy() {}

    @Override
    public Decision onType(Actor actor, Action action, String type) {
        return Decision.ALLOW;
    }

    @Override
    public Decision onRecord(Actor actor, Action action, ResourceKey key, AccessLabels labels) {
        return Decision.ALLOW;
    }

    @Override
    public Optional<AccessClause> searchClause(Actor actor, String type) {
        return Optional.empty();
    }

    @Override
    public boolean seesEverything(Actor actor) {
        return true;
    }
}
