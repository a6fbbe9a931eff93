package org.bbehr.app.keys;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.NodeKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the node's blind-index key rotation in a background thread, one at a time: started on request, or when the node
 * starts with a keyset that shows an unfinished one. Searches answer the same throughout (see
 * {@link BlindIndexRotation}). Its progress is kept for the {@code blind-index-rotation} endpoint and as metrics
 * ({@code bbehr_blind_index_rotation_done}, {@code _total}, {@code _running}).
 */
public final class BlindIndexRotator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlindIndexRotator.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Where the rotation stands. */
    public enum State { IDLE, RUNNING, FINISHED, STOPPED, FAILED }

    /**
     * The state of the latest rotation, as the endpoint shows it.
     *
     * @param run the number of the latest rotation since the node started (0: none yet)
     * @param done resources re-indexed so far (those of an interrupted run included)
     * @param total resources to re-index in all
     * @param unreadable resources whose current version did not decrypt, whose tokens were removed
     * @param error why the rotation failed, with its code; null unless it failed
     */
    public record Status(long run, State state, long done, long total, long unreadable, String error) {

        static final Status NONE = new Status(0, State.IDLE, 0, 0, 0, null);

        public boolean running() {
            return state == State.RUNNING;
        }
    }

    /**
     * How the node's rotations run.
     *
     * @param batchSize resources re-indexed per database transaction
     * @param pause a pause between batches, to leave the database to the node's users on a busy day
     */
    public record Settings(int batchSize, Duration pause) {}

    /**
     * The store's re-index under the blind index's new key, as the composition root hands it over: re-indexes batches
     * of {@code batchSize} resources while {@code keepGoing}, reporting {@code (done, total)}.
     */
    @FunctionalInterface
    public interface Reindexing {

        /** How a re-index ended: finished or stopped, and how many resources did not decrypt. */
        record Outcome(boolean finished, long unreadable) {}

        Outcome run(int batchSize, BooleanSupplier keepGoing, Progress progress);
    }

    /** Progress of a re-index: resources done, of a total. */
    @FunctionalInterface
    public interface Progress {
        void report(long done, long total);
    }

    private final Reindexing reindexing;
    private final NodeKeys keys;
    private final Settings settings;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Status status = Status.NONE;
    private Thread worker;

    /** @param reindexing the store's re-index, with each version's index entries made with the node's blind index */
    public BlindIndexRotator(Reindexing reindexing, NodeKeys keys, Settings settings) {
        this.reindexing = reindexing;
        this.keys = keys;
        this.settings = settings;
    }

    public Status status() {
        return status;
    }

    /**
     * Starts a rotation in the background, or resumes the unfinished one; does nothing while one runs.
     *
     * @return whether it started one (false: one was running already)
     * @throws BbehrException {@code KEYS_NOT_WRITABLE} when the keys come from configuration
     */
    public synchronized boolean start() {
        if (status.running()) {
            return false;
        }
        if (closing.getCount() == 0) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "the node is stopping");
        }
        if (!keys.writable()) {
            throw new BbehrException(ErrorCode.KEYS_NOT_WRITABLE, "the blind-index key comes from configuration and"
                    + " cannot be rotated in place: keep the node's keys in its data directory to rotate them");
        }
        long run = status.run() + 1;
        status = new Status(run, State.RUNNING, 0, 0, 0, null);
        worker = Thread.ofPlatform().daemon().name("blind-index-rotation").start(() -> rotate(run));
        return true;
    }

    /** At start: resumes a rotation that a stop or a crash left unfinished. */
    public void resumeIfUnfinished() {
        if (keys.blindIndexKeyCount() < 2) {
            return;
        }
        if (!keys.writable()) {
            log.warn("the configured blind-index keyset holds {} keys, as during a rotation; searches match all of them,"
                    + " but only a node whose keys are in its data directory can finish the rotation",
                    keys.blindIndexKeyCount());
            return;
        }
        log.info("a blind-index key rotation is unfinished: resuming it in the background");
        start();
    }

    private void rotate(long run) {
        try {
            Reindexing.Outcome result = reindexing.run(settings.batchSize(), this::keepGoing,
                    (done, total) -> status = new Status(run, State.RUNNING, done, total, 0, null));
            Status last = status;
            status = new Status(run, result.finished() ? State.FINISHED : State.STOPPED, last.done(), last.total(),
                    result.unreadable(), null);
        } catch (BbehrException e) {
            log.error("blind-index key rotation failed: {}; it resumes when started again", e.describe());
            status = failed(run, e.describe());
        } catch (RuntimeException e) {
            log.error("blind-index key rotation failed; it resumes when started again", e);
            status = failed(run, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Status failed(long run, String error) {
        Status last = status;
        return new Status(run, State.FAILED, last.done(), last.total(), 0, error);
    }

    /** Between batches: pauses as configured; false once the node is stopping. */
    private boolean keepGoing() {
        try {
            return !closing.await(settings.pause().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Publishes the rotation's progress as gauges. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("bbehr.blind_index.rotation.done", this, r -> r.status().done())
                .description("Resources re-indexed by the latest blind-index key rotation").register(registry);
        Gauge.builder("bbehr.blind_index.rotation.total", this, r -> r.status().total())
                .description("Resources the latest blind-index key rotation re-indexes in all").register(registry);
        Gauge.builder("bbehr.blind_index.rotation.running", this, r -> r.status().running() ? 1 : 0)
                .description("1 while a blind-index key rotation runs").register(registry);
    }

    /** Stops a running rotation after its current batch; the next start resumes it. */
    @Override
    public void close() throws InterruptedException {
        closing.countDown();
        Thread running;
        synchronized (this) {
            running = worker;
        }
        if (running != null && !running.join(STOP_TIMEOUT)) {
            log.warn("the blind-index key rotation did not stop within {}", STOP_TIMEOUT);
        }
    }
}
