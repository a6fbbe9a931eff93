package org.bbehr.app.node;

import io.micrometer.core.instrument.MeterRegistry;
import org.bbehr.app.fhir.FhirRecords;
import org.bbehr.app.keys.BlindIndexRotationEndpoint;
import org.bbehr.app.keys.BlindIndexRotator;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.record.BlindIndexRotation;
import org.bbehr.store.record.PostgresRecordStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Blind-index key rotation for nodes on PostgreSQL: the background rotator, its actuator endpoint, and the resumption
 * of an unfinished rotation once the node is ready.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${bbehr.store.mode:embedded}' == 'embedded' || '${bbehr.store.mode:embedded}' == 'external'")
class BlindIndexRotationConfiguration {

    @Bean(destroyMethod = "close")
    BlindIndexRotator blindIndexRotator(PostgresRecordStore store, NodeKeys keys, FhirRecords records,
            NodeProperties properties, MeterRegistry metrics) {
        NodeProperties.IndexRotation rotation = properties.keys().indexRotation();
        BlindIndexRotator.Reindexing reindexing = (batchSize, keepGoing, progress) -> {
            BlindIndexRotation.Result result = store.rotateBlindIndex(records::indexEntriesOf,
                    new BlindIndexRotation.Options(batchSize, keepGoing), progress::report);
            return new BlindIndexRotator.Reindexing.Outcome(result.finished(), result.unreadable());
        };
        BlindIndexRotator rotator = new BlindIndexRotator(reindexing, keys,
                new BlindIndexRotator.Settings(rotation.batchSize(), rotation.pause()));
        rotator.bindTo(metrics);
        return rotator;
    }

    @Bean
    BlindIndexRotationEndpoint blindIndexRotationEndpoint(BlindIndexRotator rotator) {
        return new BlindIndexRotationEndpoint(rotator);
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> resumeBlindIndexRotation(BlindIndexRotator rotator) {
        return ready -> rotator.resumeIfUnfinished();
    }
}
