package org.bbehr.app.node;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.Optional;
import org.bbehr.app.fhir.BodySizeLimitFilter;
import org.bbehr.app.fhir.FhirRecords;
import org.bbehr.app.fhir.RecordIntegrity;
import org.bbehr.core.access.AllowAllPolicy;
import org.bbehr.core.access.NoOpAuditTrail;
import org.bbehr.core.access.RecordAccess;
import org.bbehr.app.fhir.FhirServer;
import org.bbehr.app.fhir.ProfileValidator;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.search.RecordSearch;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The FHIR server at {@code /fhir}: HAPI's plain RestfulServer with strict parsing. */
@Configuration(proxyBeanMethods = false)
class FhirConfiguration {

    @Bean
    FhirContext fhirContext() {
        FhirContext context = FhirContext.forR4();
        context.setParserErrorHandler(new StrictErrorHandler());
        // every encode would otherwise walk the whole resource looking for id-less reference targets to contain
        context.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
        return context;
    }

    /**
     * The one door to the records: the store and its search behind the access policy, every decision reported to the
     * audit trail. Until login and consent exist, the policy allows all and nothing is recorded (docs/access.md).
     */
    @Bean
    RecordAccess recordAccess(RecordStore store, RecordSearch search, BlindIndex blindIndex,
            ObjectProvider<AnchoringReads> anchoring) {
        AnchoringReads reads = anchoring.getIfAvailable();
        return new RecordAccess(new RecordAccess.Parts(store, search, Optional.ofNullable(reads).map(AnchoringReads::reads),
                blindIndex, AllowAllPolicy.INSTANCE, NoOpAuditTrail.INSTANCE));
    }

    @Bean
    FhirRecords fhirRecords(FhirContext context, RecordAccess access,
            ObjectProvider<RecordIntegrity> integrity) {
        return FhirRecords.of(context, access, integrity.getIfAvailable(() -> RecordIntegrity.NONE));
    }

    @Bean
    ProfileValidator profileValidator(FhirContext context, NodeProperties properties) {
        ProfileValidator validator = new ProfileValidator(context, properties.fhir().validateProfiles());
        if (properties.fhir().validateProfiles()) {
            // it loads the core definitions (seconds): do it beside start-up, not in the first write
            Thread.ofVirtual().name("profile-validator-warm-up").start(validator::warmUp);
        } else {
            validator.releaseWhenIdle(properties.fhir().validatorReleaseAfter());
        }
        return validator;
    }

    @Bean
    ServletRegistrationBean<FhirServer> fhirServlet(FhirContext context, FhirRecords records,
            ProfileValidator profileValidator, io.micrometer.core.instrument.MeterRegistry metrics) {
        var registration = new ServletRegistrationBean<>(new FhirServer(context, records, profileValidator, metrics),
                "/fhir/*");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** Before every other filter: requests to other host names and from other sites' pages never get further. */
    @Bean
    FilterRegistrationBean<PerimeterFilter> perimeter(NodeProperties properties,
            @Value("${server.address:}") String address) {
        var registration = new FilterRegistrationBean<>(PerimeterFilter.of(properties, address));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimit(NodeProperties properties) {
        var registration = new FilterRegistrationBean<>(new BodySizeLimitFilter(properties.fhir().maxBodyBytes()));
        registration.addUrlPatterns("/fhir/*");
        return registration;
    }
}
