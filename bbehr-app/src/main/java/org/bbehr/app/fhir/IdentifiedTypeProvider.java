package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.bbehr.core.record.ResourceKey;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** A type with an {@code identifier} element: adds search by identifier (through the blind index). */
public class IdentifiedTypeProvider extends TypeProvider {

    public IdentifiedTypeProvider(Class<? extends IBaseResource> type, FhirRecords records,
            ProfileValidator profileValidator) {
        super(type, records, profileValidator);
    }

    @Search
    public List<IBaseResource> searchByIdentifier(@RequiredParam(name = "identifier") TokenParam identifier) {
        String criteria = identifier.getSystem() == null ? identifier.getValue()
                : identifier.getSystem() + "|" + identifier.getValue();
        List<ResourceKey> keys = records.criteria().resolve(typeName(), "identifier="
                + java.net.URLEncoder.encode(criteria, java.nio.charset.StandardCharsets.UTF_8));
        return keys.stream().map(records::read).toList();
    }
}
