package org.bbehr.app.fhir;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Idle {@link ReusableInstanceValidator}s, so that a validation takes one rather than building one. A thread takes a
 * validator, has it to itself, and gives it back when it is done; when none is idle a new one is built. At most
 * {@code capacity} are kept (each holds megabytes), and a worn one is dropped.
 */
final class InstanceValidatorPool {

    private final Supplier<ReusableInstanceValidator> factory;
    private final BlockingQueue<ReusableInstanceValidator> idle;

    InstanceValidatorPool(Supplier<ReusableInstanceValidator> factory, int capacity) {
        this.factory = factory;
        this.idle = new ArrayBlockingQueue<>(capacity);
    }

    ReusableInstanceValidator take() {
        ReusableInstanceValidator validator = idle.poll();
        return validator != null ? validator : factory.get();
    }

    /** Keeps the validator for the next validation unless it is worn or enough are kept already. */
    void giveBack(ReusableInstanceValidator validator) {
        if (!validator.isWorn()) {
            idle.offer(validator);
        }
    }
}
