package org.bbehr.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Resource;

/** A validator's steady state: milliseconds per resource on one thread, resources per second on {@value #THREADS}. */
record ValidationTimings(double millisPerResource, double perSecondOnThreads) {

    static final int ROUNDS = 3;
    static final int THREADS = 2;
    /** A round validates the records over and over until it has taken at least this long. */
    static final long ROUND_MILLIS = 1_500;

    /** One untimed pass first (the JIT, and definitions each type loads on first use), then the timed rounds. */
    static ValidationTimings measure(Candidate candidate, List<Resource> records) {
        validateAll(candidate, records, 1);
        List<Double> millisPerResource = new ArrayList<>();
        int passes = 1;
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            int done = 0;
            do {
                validateAll(candidate, records, 1);
                done++;
            } while (millisSince(started) < ROUND_MILLIS);
            millisPerResource.add(millisSince(started) / (done * records.size()));
            passes = done;
        }
        List<Double> perSecond = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            perSecond.add(onThreads(candidate, records, passes));
        }
        return new ValidationTimings(Stats.median(millisPerResource), Stats.median(perSecond));
    }

    /** Resources per second while {@value #THREADS} threads each validate the records {@code passes} times. */
    private static double onThreads(Candidate candidate, List<Resource> records, int passes) {
        long started = System.nanoTime();
        try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> work = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                work.add(threads.submit(() -> validateAll(candidate, records, passes)));
            }
            for (Future<?> done : work) {
                done.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("validation failed on a benchmark thread", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while validating on " + THREADS + " threads", e);
        }
        return THREADS * passes * records.size() / (millisSince(started) / 1000);
    }

    private static void validateAll(Candidate candidate, List<Resource> records, int passes) {
        for (int pass = 0; pass < passes; pass++) {
            records.forEach(candidate::validate);
        }
    }

    private static double millisSince(long started) {
        return (System.nanoTime() - started) / 1e6;
    }
}
