package org.bbehr.app.node;

import java.time.Clock;
import org.bbehr.app.fhir.RecordIntegrity;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchorLoop;
import org.bbehr.core.anchor.Anchorer;
import org.bbehr.core.verify.RecordVerifier;
import org.bbehr.store.postgres.Database;
import org.bbehr.store.record.PostgresAnchorJournal;
import org.bbehr.store.record.PostgresRecordStore;
import org.bbehr.ledger.Web3jLedger;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Anchoring, on a node with a chain and a PostgreSQL store: the anchorer running in the background, its health, and
 * what the FHIR server shows ({@code meta}) and checks ({@code $verify}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${bbehr.chain.rpc-url:}'.isEmpty() && '${bbehr.store.mode:embedded}' != 'memory'")
class AnchoringConfiguration {

    @Bean
    PostgresAnchorJournal anchorJournal(Database database, org.bbehr.store.crypto.NodeKeys keys) {
        return new PostgresAnchorJournal(database.dataSource(), keys, Clock.systemUTC());
    }

    @Bean
    Anchorer anchorer(PostgresAnchorJournal journal, Web3jLedger ledger, NodeProperties properties) {
        return new Anchorer(journal, ledger, ledger, properties.anchoring().settings(), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    AnchorLoop anchorLoop(Anchorer anchorer) {
        return AnchorLoop.start(anchorer);
    }

    /** Anchoring's state; not part of readiness, since a node serves reads and writes while the chain is away. */
    @Bean
    HealthIndicator anchoring(Anchorer anchorer) {
        return () -> {
            Anchorer.Status status = anchorer.status();
            Health.Builder health = status.healthy() ? Health.up() : Health.outOfService();
            health.withDetail("state", status.detail());
            status.hospitalId().ifPresent(id -> health.withDetail("hospitalId", id));
            if (status.lastAnchoredAt() != null) {
                health.withDetail("lastAnchoredAt", status.lastAnchoredAt().toString());
            }
            return health.build();
        };
    }

    /** The door's reads of a version with its anchoring, in one look-up (only where anchoring runs). */
    @Bean
    AnchoringReads anchoringReads(PostgresRecordStore postgres) {
        return new AnchoringReads(postgres);
    }

    @Bean
    RecordIntegrity recordIntegrity(PostgresAnchorJournal journal, PostgresRecordStore postgres, Web3jLedger ledger) {
        return new RecordIntegrity(journal, () -> new RecordVerifier(postgres.evidence(), ledger,
                ledger.findHospitalOfNode(ledger.signer()).orElseThrow(() -> new BbehrException(
                        ErrorCode.ANCHOR_NOT_READY, "this node's address is not a hospital's node in the directory,"
                                + " so there is no hospital to verify its records against"))),
                postgres.evidence(), ledger.deployment().recordAnchor().value());
    }
}
