package org.bbehr.store.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LruCacheTest {

    @Test
    void fullCacheShouldForgetTheLeastRecentlyUsedEntry() {
        // given
        LruCache<String, Integer> cache = new LruCache<>(2);
        cache.put("alice", 1);
        cache.put("bob", 2);
        cache.get("alice");

        // when
        cache.put("carol", 3);

        // then
        assertThat(cache.get("bob")).isNull();
        assertThat(cache.get("alice")).isEqualTo(1);
        assertThat(cache.get("carol")).isEqualTo(3);
    }
}
