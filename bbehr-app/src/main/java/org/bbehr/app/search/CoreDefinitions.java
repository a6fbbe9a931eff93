package org.bbehr.app.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;

/**
 * HAPI's core definitions (every StructureDefinition, CodeSystem and ValueSet of the FHIR specification, ~100 MB once
 * parsed) are one cache for the whole JVM, behind {@link DefaultProfileValidationSupport}. The node's users of them
 * (the profile validator while it is loaded, and the search index's FHIRPath engine, briefly, to take their headers)
 * hold them through this class; the cache is emptied when the last one lets go, and loaded again by the next.
 * Emptying it under a holder instead would make that holder load a second copy. (The node uses one FHIR version,
 * R4, so one count covers HAPI's cache.)
 */
public final class CoreDefinitions {

    private static final Object LOCK = new Object();
    private static int holders;

    private CoreDefinitions() {}

    /** HAPI's support for the core definitions, held until {@link #letGo}. */
    public static DefaultProfileValidationSupport hold(FhirContext context) {
        synchronized (LOCK) {
            holders++;
        }
        return new DefaultProfileValidationSupport(context);
    }

    /** Lets go of a hold; when it was the last, HAPI's cache is emptied. */
    public static void letGo(DefaultProfileValidationSupport definitions) {
        synchronized (LOCK) {
            if (holders == 0) {
                throw new IllegalStateException("the core definitions were let go more often than held");
            }
            holders--;
            if (holders == 0) {
                definitions.flush();
            }
        }
    }
}
