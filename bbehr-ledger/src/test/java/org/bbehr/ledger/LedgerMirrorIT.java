package org.bbehr.ledger;

import java.time.Clock;
import org.bbehr.core.ledger.ConsentLedger;
import org.bbehr.core.ledger.Directory;
import org.bbehr.core.ledger.EventFeed;
import org.bbehr.core.ledger.LedgerMirror;
import org.bbehr.core.memory.InMemoryEventCursor;
import org.junit.jupiter.api.BeforeEach;

/**
 * The directory and consent ports answered by the mirror, built from the real contracts' events read through an
 * {@link EventFeed} from the deployment block: it must answer as the chain's views do.
 */
class LedgerMirrorIT extends LedgerViewsContract {

    private LedgerMirror mirror;
    private EventFeed feed;

    @BeforeEach
    void followTheChainFromItsDeployment() {
        mirror = new LedgerMirror(Clock.systemUTC());
        feed = new EventFeed(admin, new InMemoryEventCursor(), 1, 50);
    }

    @Override
    protected Directory directory() {
        return mirror;
    }

    @Override
    protected ConsentLedger consents() {
        return mirror;
    }

    @Override
    protected void catchUp() {
        feed.catchUp(mirror);
    }
}
