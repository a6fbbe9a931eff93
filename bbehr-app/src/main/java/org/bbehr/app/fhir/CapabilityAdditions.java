package org.bbehr.app.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;

/** What the generated CapabilityStatement cannot know from the providers' annotations: batch Bundles. */
@Interceptor
@StoredJsonResponses.LeavesReadsAlone
public final class CapabilityAdditions {

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void addBatch(IBaseConformance generated) {
        if (generated instanceof CapabilityStatement statement) {
            var rest = statement.getRestFirstRep();
            boolean present = rest.getInteraction().stream()
                    .anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH);
            if (!present) {
                rest.addInteraction().setCode(SystemRestfulInteraction.BATCH)
                        .setDocumentation("POST a batch Bundle to the base URL: each entry runs on its own");
            }
            statement.setPublisher("BbEHR").getSoftware().setName("BbEHR");
        }
    }
}
