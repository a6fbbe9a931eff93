package org.bbehr.app.fhir;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * How many of the operations that read or decrypt a whole compartment or the whole store may run at once, so that a
 * client (or a page that makes a browser send them) cannot fill the node with them: the whole-store {@code $verify}
 * one at a time, {@code $everything} and a compartment's {@code $verify} a few at a time. One more is refused at once
 * with 429 and {@code Retry-After}, not queued.
 */
final class HeavyOperations {

    /** Resources one {@code $everything} gathers at most; a larger compartment is refused (422) with a hint. */
    static final int EVERYTHING_MAX = 10_000;

    private final Semaphore wholeStore = new Semaphore(1);
    private final Semaphore compartments;
    private final int compartmentsAtOnce;

    HeavyOperations(int compartmentsAtOnce) {
        this.compartments = new Semaphore(compartmentsAtOnce);
        this.compartmentsAtOnce = compartmentsAtOnce;
    }

    <T> T wholeStore(String operation, Supplier<T> work) {
        return run(wholeStore, operation + " of the whole store already runs (one at a time)", work);
    }

    <T> T compartment(String operation, Supplier<T> work) {
        return run(compartments, "as many compartment operations (" + operation + " among them) run as the node "
                + "allows at once (" + compartmentsAtOnce + ")", work);
    }

    private static <T> T run(Semaphore permits, String busy, Supplier<T> work) {
        if (!permits.tryAcquire()) {
            throw new BbehrException(ErrorCode.OPERATION_BUSY, busy + "; try again in a few seconds");
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
