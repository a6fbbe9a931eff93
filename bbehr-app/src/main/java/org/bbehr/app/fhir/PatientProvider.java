package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/** Patient: the generic interactions plus {@code $everything}. */
public final class PatientProvider extends TypeProvider {

    public PatientProvider(FhirRecords records, ProfileValidator profileValidator) {
        super(Patient.class, records, profileValidator);
    }

    /** The patient and the current resources that reference it, and what those reference. */
    @Operation(name = "$everything", idempotent = true, bundleType = ca.uhn.fhir.model.valueset.BundleTypeEnum.SEARCHSET)
    public Bundle everything(@IdParam IdType id, ca.uhn.fhir.rest.api.server.RequestDetails request) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        for (IBaseResource resource : records.everything(RequestActors.of(request),
                new ResourceKey("Patient", id.getIdPart()))) {
            bundle.addEntry().setResource((Resource) resource)
                    .setFullUrl(resource.getIdElement().toUnqualifiedVersionless().getValue());
        }
        bundle.setTotal(bundle.getEntry().size());
        return bundle;
    }
}
