package org.bbehr.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.devchain.DevChain;

/** Wall-clock times of the dev chain: its start with the first deploy, and a node's anchor round trip. */
final class ChainLatency {

    static final int STARTS = 3;
    static final int ROUND_TRIPS = 100;
    static final int WARM_UP_ROUND_TRIPS = 10;
    static final long TARGET_START_MILLIS = 2_000;
    static final long TARGET_ROUND_TRIP_MILLIS = 100;
    /** How often the node's ledger looks for a receipt. */
    static final Duration POLL_INTERVAL = LedgerConfig.defaults("http://127.0.0.1").pollInterval();

    /** Samples in milliseconds. */
    record Timing(List<Double> millis) {

        double median() {
            return Stats.median(millis);
        }

        double p95() {
            return Stats.p95(millis);
        }
    }

    private ChainLatency() {}

    /** Starts a dev chain {@value #STARTS} times, each on a fresh data directory, so each deploys the contracts. */
    static Timing startsWithFirstDeploy() {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            try (TempDir dir = TempDir.create()) {
                long started = System.nanoTime();
                try (DevChain chain = DevChain.start(DevChain.Options.in(dir.path()))) {
                    millis.add(millisSince(started));
                }
            }
        }
        return new Timing(millis);
    }

    /**
     * Times {@value #ROUND_TRIPS} calls of {@code submit(AnchorRoot)}, each from the call to its mined receipt,
     * after {@value #WARM_UP_ROUND_TRIPS} untimed ones.
     *
     * @param node the ledger of an active hospital's node
     */
    static Timing anchorRoundTrips(Ledger node) {
        for (int i = 0; i < WARM_UP_ROUND_TRIPS; i++) {
            anchor(node);
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < ROUND_TRIPS; i++) {
            long started = System.nanoTime();
            anchor(node);
            millis.add(millisSince(started));
        }
        return new Timing(millis);
    }

    private static void anchor(Ledger node) {
        node.submit(new LedgerCall.AnchorRoot(Bytes32.random(), 1));
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
