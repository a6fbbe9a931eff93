package org.bbehr.ledger;

import org.bbehr.core.ledger.ConsentLedger;
import org.bbehr.core.ledger.Directory;

/** The directory and consent ports answered by the chain's own views, one {@code eth_call} each. */
class Web3jLedgerViewsIT extends LedgerViewsContract {

    @Override
    protected Directory directory() {
        return admin;
    }

    @Override
    protected ConsentLedger consents() {
        return admin;
    }

    @Override
    protected void catchUp() {}
}
