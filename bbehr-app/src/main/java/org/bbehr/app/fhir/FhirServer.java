package org.bbehr.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The FHIR R4 REST server: one provider per resource type, all on the same generic storage path. */
public final class FhirServer extends RestfulServer {

    private static final String REQUEST_ID_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public FhirServer(FhirContext context, FhirRecords records, ProfileValidator profileValidator,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        super(context);
        setServerName("BbEHR");
        setImplementationDescription("BbEHR node: FHIR R4 on an encrypted store, anchored on a consortium chain");
        setDefaultResponseEncoding(EncodingEnum.JSON);
        FifoMemoryPagingProvider paging = new SearchPaging(SearchPaging.CAPACITY);
        paging.setDefaultPageSize(20);
        paging.setMaximumPageSize(1000);
        setPagingProvider(paging);
        List<IResourceProvider> providers = new ArrayList<>();
        for (String type : new TreeSet<>(context.getResourceTypes())) {
            providers.add(providerFor(context.getResourceDefinition(type), records, profileValidator));
        }
        registerProviders(providers);
        registerProvider(new SystemProvider(records, profileValidator));
        registerInterceptor(new ErrorTranslation());
        registerInterceptor(new CapabilityAdditions(context));
        registerInterceptor(new SearchLinks());
        registerInterceptor(new RequestMetrics(metrics));
        registerInterceptor(new StoredJsonResponses(metrics));
        registerInterceptor(new StoredJsonBundles(records, metrics));
    }

    /**
     * A request id (for logs and the {@code X-Request-ID} header) from a per-thread generator. HAPI's own draws it from
     * {@code SecureRandom}, whose native source serializes every request thread on one lock and a read of
     * {@code /dev/urandom}; a request id is no secret and needs none of that.
     */
    @Override
    protected String newRequestId(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[length];
        for (int i = 0; i < length; i++) {
            id[i] = REQUEST_ID_CHARACTERS.charAt(random.nextInt(REQUEST_ID_CHARACTERS.length()));
        }
        return new String(id);
    }

    private static IResourceProvider providerFor(RuntimeResourceDefinition definition, FhirRecords records,
            ProfileValidator profileValidator) {
        Class<? extends IBaseResource> type = definition.getImplementingClass();
        if (definition.getName().equals("Patient")) {
            return new PatientProvider(records, profileValidator);
        }
        return new TypeProvider(type, records, profileValidator);
    }
}
