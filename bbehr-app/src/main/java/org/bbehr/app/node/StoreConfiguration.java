package org.bbehr.app.node;

import java.security.SecureRandom;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.crypto.HmacBlindIndex;
import org.bbehr.core.record.InMemoryRecordStore;
import org.bbehr.core.record.RecordStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The record store and blind index a node runs on. */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "bbehr.store.mode", havingValue = "memory", matchIfMissing = true)
    static class InMemory {

        @Bean
        RecordStore recordStore() {
            return new InMemoryRecordStore();
        }

        @Bean
        BlindIndex blindIndex() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return new HmacBlindIndex(key);
        }
    }
}
