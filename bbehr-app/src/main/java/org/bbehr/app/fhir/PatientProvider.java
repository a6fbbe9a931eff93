package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import org.bbehr.core.access.Actor;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/** Patient: the generic interactions plus {@code $everything}. */
public final class PatientProvider extends TypeProvider {

    public PatientProvider(FhirRecords records, ProfileValidator profileValidator) {
        super(Patient.class, records, profileValidator);
    }

    /**
     * The patient and the current resources that reference it, and what those reference: paged ({@code _count},
     * 100 by default), at most {@link HeavyOperations#EVERYTHING_MAX} resources, a few gathered at once.
     */
    @Operation(name = "$everything", idempotent = true, bundleType = ca.uhn.fhir.model.valueset.BundleTypeEnum.SEARCHSET)
    public IBundleProvider everything(@IdParam IdType id, ca.uhn.fhir.rest.api.server.RequestDetails request) {
        Actor actor = RequestActors.of(request);
        ResourceKey patient = new ResourceKey("Patient", id.getIdPart());
        return new EverythingBundle(records, actor, records.heavy().compartment("$everything",
                () -> records.everything(actor, patient, HeavyOperations.EVERYTHING_MAX)));
    }
}
