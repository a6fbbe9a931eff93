package org.bbehr.bench;

import java.util.OptionalLong;

/**
 * The median gas of one contract call, beside its target (if it has one) and what peer contracts spend on the
 * same task.
 *
 * @param call the function, and how it was called
 * @param sender who signs the transaction
 * @param medianGas the median {@code gasUsed} of the whole transaction, including the 21,000 base
 * @param target the most gas the call should use
 * @param peers the peers' figure for the same task, or an empty string
 */
record GasFigure(String call, String sender, double medianGas, OptionalLong target, String peers) {

    boolean meetsTarget() {
        return target.isEmpty() || medianGas <= target.getAsLong();
    }
}
