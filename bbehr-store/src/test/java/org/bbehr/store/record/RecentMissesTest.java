package org.bbehr.store.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bbehr.core.record.ResourceKey;
import org.junit.jupiter.api.Test;

class RecentMissesTest {

    @Test
    void aKeyShouldCountAsMissedBeforeOnlyFromItsSecondMiss() {
        // given
        RecentMisses misses = new RecentMisses(1024);
        ResourceKey alice = new ResourceKey("Patient", "alice");

        // when
        boolean first = misses.missedBefore(alice);
        boolean second = misses.missedBefore(new ResourceKey("Patient", "alice"));

        // then
        assertThat(first).isFalse();
        assertThat(second).isTrue();
    }

    @Test
    void aMissShouldBeForgottenOnceManyOtherKeysMissed() {
        // given
        RecentMisses misses = new RecentMisses(16);
        ResourceKey alice = new ResourceKey("Patient", "alice");
        misses.missedBefore(alice);

        // when: far more other keys miss than there are slots
        for (int i = 0; i < 1_000; i++) {
            misses.missedBefore(new ResourceKey("Observation", "obs-" + i));
        }

        // then
        assertThat(misses.missedBefore(alice)).isFalse();
    }

    @Test
    void slotsShouldBeAPowerOfTwo() {
        assertThatThrownBy(() -> new RecentMisses(1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
