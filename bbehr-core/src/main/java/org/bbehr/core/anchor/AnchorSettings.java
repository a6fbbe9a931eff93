package org.bbehr.core.anchor;

import java.time.Duration;

/**
 * How the anchorer batches.
 *
 * @param maxBatch a batch is anchored as soon as this many leaves wait
 * @param maxDelay ... or once the oldest waiting leaf has waited this long
 * @param recheckInterval how often anchored roots are looked up on chain again
 * @param recheckWindow how far back roots are re-checked (a rollback or lost chain state deeper than this is not
 *     noticed by the anchorer; {@code $verify} still reports it)
 * @param retryDelay the pause after a failure (chain unreachable, node not registered)
 */
public record AnchorSettings(int maxBatch, Duration maxDelay, Duration recheckInterval, Duration recheckWindow,
        Duration retryDelay) {

    public AnchorSettings {
        if (maxBatch < 1 || maxBatch > 65_536) {
            throw new IllegalArgumentException("maxBatch must be 1..65536, got " + maxBatch);
        }
    }

    /** Up to 1,000 leaves or 1 s, whichever comes first; roots of the last hour re-checked every 10 s. */
    public static AnchorSettings defaults() {
        return new AnchorSettings(1_000, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofHours(1),
                Duration.ofSeconds(2));
    }
}
