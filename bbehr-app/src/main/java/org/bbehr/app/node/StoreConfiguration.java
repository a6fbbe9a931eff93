package org.bbehr.app.node;

import java.security.SecureRandom;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.memory.InMemoryRecordStore;
import org.bbehr.core.record.RecordStore;
import java.time.Clock;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.Database;
import org.bbehr.store.postgres.DatabaseRoles;
import org.bbehr.store.postgres.ExternalPostgres;
import org.bbehr.store.postgres.PostgresServer;
import org.bbehr.store.postgres.StoreLock;
import org.bbehr.store.record.PostgresRecordStore;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The record store and blind index a node runs on. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "bbehr.store.mode", havingValue = "memory")
    static class InMemory {

        @Bean
        InMemoryRecordStore recordStore() {
            return new InMemoryRecordStore();
        }

        @Bean
        BlindIndex blindIndex() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return new HmacBlindIndex(key);
        }
    }

    /** PostgreSQL, embedded in the data directory or external, encrypted under the node's keys. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${bbehr.store.mode:embedded}' == 'embedded' || '${bbehr.store.mode:embedded}' == 'external'")
    static class Postgres {

        @Bean(destroyMethod = "close")
        Database database(NodeProperties properties) {
            NodeProperties.Store store = properties.store();
            if ("embedded".equals(store.mode())) {
                return PostgresServer.start(PostgresServer.Options.in(properties.dataDir()));
            }
            if (store.url() == null || store.url().isBlank()) {
                throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "bbehr.store.mode is external but "
                        + "bbehr.store.url is not set");
            }
            DatabaseRoles.Login migrator = store.migrationUsername() == null || store.migrationUsername().isBlank()
                    ? null : new DatabaseRoles.Login(store.migrationUsername(),
                            store.migrationPassword() == null ? "" : store.migrationPassword());
            return ExternalPostgres.connect(new ExternalPostgres.Options(store.url(), store.username(),
                    store.password() == null ? "" : store.password(), 20, migrator));
        }

        /** The node has its store to itself: offline key rotations are refused while it runs (and it while they do). */
        @Bean(destroyMethod = "close")
        StoreLock storeLock(Database database) {
            return StoreLock.acquire(database.dataSource(), "this node");
        }

        @Bean
        NodeKeys nodeKeys(NodeProperties properties) {
            NodeProperties.Keys keys = properties.keys();
            if (keys.pkcs11().configured()) {
                NodeProperties.Pkcs11 token = keys.pkcs11();
                return NodeKeys.withTokenKek(properties.dataDir(),
                        org.bbehr.store.crypto.Pkcs11Kek.open(token.config(), token.pin(), token.kekLabel()));
            }
            return keys.configured() ? NodeKeys.fromConfiguration(keys.kek(), keys.blindIndex())
                    : NodeKeys.loadOrCreate(properties.dataDir());
        }

        @Bean
        PostgresRecordStore recordStore(Database database, StoreLock storeLock, NodeKeys keys) {
            return PostgresRecordStore.open(database.dataSource(), keys, Clock.systemUTC());
        }

        @Bean
        BlindIndex blindIndex(NodeKeys keys) {
            return keys.blindIndex();
        }

        /** The database's health, for /actuator/health and readiness. */
        @Bean
        HealthIndicator db(Database database) {
            return () -> {
                try (var connection = database.dataSource().getConnection()) {
                    return connection.isValid(2) ? Health.up().withDetail("database", "PostgreSQL").build()
                            : Health.down().withDetail("error", "the connection is not valid").build();
                } catch (java.sql.SQLException e) {
                    return Health.down().withDetail("error", e.getMessage()).build();
                }
            };
        }
    }
}
