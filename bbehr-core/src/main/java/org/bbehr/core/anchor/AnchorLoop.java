package org.bbehr.core.anchor;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link Anchorer} round after round on its own thread: at once again after a round that anchored something,
 * after a short tick otherwise, and after the retry delay when the chain failed (the work stays in the journal).
 */
public final class AnchorLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnchorLoop.class);

    private final Anchorer anchorer;
    private final Thread thread;
    private volatile boolean running = true;

    private AnchorLoop(Anchorer anchorer) {
        this.anchorer = anchorer;
        this.thread = Thread.ofPlatform().daemon().name("anchorer").unstarted(this::run);
    }

    public static AnchorLoop start(Anchorer anchorer) {
        AnchorLoop loop = new AnchorLoop(anchorer);
        loop.thread.start();
        return loop;
    }

    private void run() {
        Duration tick = tick(anchorer.settings());
        Throwable lastFailure = null;
        while (running) {
            try {
                boolean worked = anchorer.runOnce();
                lastFailure = null;
                pause(worked ? Duration.ZERO : tick);
            } catch (RuntimeException e) {
                anchorer.failed(e);
                if (lastFailure == null || !String.valueOf(lastFailure.getMessage()).equals(e.getMessage())) {
                    log.warn("anchoring failed, will retry: {}", e.getMessage());
                }
                lastFailure = e;
                pause(anchorer.settings().retryDelay());
            }
        }
    }

    /** A quarter of the batching delay, between 10 and 200 ms. */
    static Duration tick(AnchorSettings settings) {
        long millis = Math.max(10, Math.min(200, settings.maxDelay().toMillis() / 4));
        return Duration.ofMillis(millis);
    }

    private void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
