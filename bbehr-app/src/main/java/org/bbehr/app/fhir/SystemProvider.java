package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.InstantType;

/** Server-level interactions: transaction and batch Bundles, whole-server history. */
public final class SystemProvider {

    private final FhirRecords records;
    private final TransactionProcessor transactions;

    public SystemProvider(FhirRecords records, ProfileValidator profileValidator) {
        this.records = records;
        this.transactions = new TransactionProcessor(records, profileValidator);
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
        return transactions.process(bundle, request);
    }

    /** Every version in the store checked against the chain; lists the versions not verified. */
    @ca.uhn.fhir.rest.annotation.Operation(name = "$verify", idempotent = true)
    public org.hl7.fhir.r4.model.Parameters verify() {
        return records.verifyAll();
    }

    @History
    public IBundleProvider history(@Since InstantType since, RequestDetails request) {
        org.bbehr.core.access.Actor actor = RequestActors.of(request);
        return new HistoryBundle(records, actor, (offset, count) ->
                records.access().typeHistory(actor, null, HistoryBundle.instant(since), offset, count));
    }
}
