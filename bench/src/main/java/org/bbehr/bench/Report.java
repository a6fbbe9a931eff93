package org.bbehr.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.bbehr.bench.ChainLatency.Timing;

/** The benchmark's figures, each beside its target, as the Markdown section of docs/benchmarks.md. */
final class Report {

    static final String HEADING = "## Gas and chain latency";
    static final String COMMAND = "./mvnw -q -pl bench -am -Pbench -DskipTests verify";

    /** Everything one run measured. */
    record Results(
            LocalDate date,
            Machine machine,
            Duration runTime,
            List<GasFigure> calls,
            List<AnchorBatches.Figure> batches,
            Timing starts,
            Timing roundTrips) {}

    private Report() {}

    static String render(Results results) {
        return String.join("\n",
                HEADING,
                "",
                context(results),
                callTable(results.calls()),
                batchTable(results.batches()),
                latencyTable(results.starts(), results.roundTrips()));
    }

    private static String context(Results results) {
        Machine machine = results.machine();
        return """
                - Date: %s
                - Machine: %d cores, %s, %s; load average %s at the start (1 min, other processes included)
                - Java: %s
                - Chain: %s, the dev chain (`DevChain`: automine, base fee 0), contracts built from `contracts/src`
                - Command: `%s` (main class `%s`); the run took %d s

                Gas is each transaction's `gasUsed`: the whole transaction, including the 21,000 base. The last \
                column gives, for comparison, what popular open-source EHR contracts and a published EIP-712 \
                signed-grant design spend on the same task (peers measured on anvil for comparison).
                """.formatted(results.date(), machine.cores(), machine.memory(), machine.os(), machine.load(),
                machine.java(), machine.anvil(), COMMAND, GasBenchmark.class.getName(), results.runTime().toSeconds());
    }

    private static String callTable(List<GasFigure> calls) {
        String rows = calls.stream().map(figure -> row(
                        figure.call(), figure.sender(), gas(figure.medianGas()), target(figure.target()),
                        mark(figure.target().isPresent(), figure.meetsTarget()), orDash(figure.peers())))
                .collect(Collectors.joining());
        return """
                ### Gas per call

                Median of %d calls each; every call on a fresh hospital, staff member or patient–grantee pair.

                | Call | Sent by | Gas (median) | Target | Met | Peers |
                |---|---|--:|--:|:-:|--:|
                %s""".formatted(CallGas.CALLS, rows);
    }

    private static String batchTable(List<AnchorBatches.Figure> batches) {
        String rows = batches.stream().map(figure -> row(
                        integer(figure.batchSize()), gas(figure.medianBatchGas()),
                        decimal(figure.gasPerRecord()), "≤ " + decimal(figure.targetPerRecord()),
                        mark(true, figure.meetsTarget()), CallGas.PEER_RECORD_RANGE))
                .collect(Collectors.joining());
        return """
                ### Anchoring: gas per anchored record

                One Merkle root anchored per batch of N record leaves: the anchor transaction's gas / N, median of \
                %d roots per batch size. Target: ≤ %s gas per batch.

                | Batch size N | Gas per anchor (median) | Gas per record | Target per record | Met | Peers per record |
                |--:|--:|--:|--:|:-:|--:|
                %s""".formatted(AnchorBatches.ROOTS, integer(AnchorBatches.TARGET_PER_BATCH), rows);
    }

    private static String latencyTable(Timing starts, Timing roundTrips) {
        String startSamples = starts.millis().stream().map(Report::millis).collect(Collectors.joining(", "));
        return """
                ### Chain latency

                | Measure | Median | p95 | Target | Met |
                |---|--:|--:|--:|:-:|
                %s%s
                The round trip is `Ledger.submit(AnchorRoot)` of a hospital node's `Web3jLedger`: estimate, sign, \
                send and wait for the mined receipt, which the ledger polls for from 1 ms, backing off to %d ms \
                (`LedgerConfig.defaults`); \
                %d untimed calls came first. Its target is checked against the p95. The starts took %s ms.
                """.formatted(
                row("Dev chain start + first deploy (fresh data dir, median of %d)".formatted(ChainLatency.STARTS),
                        millis(starts.median()) + " ms", "—", "≤ " + integer(ChainLatency.TARGET_START_MILLIS) + " ms",
                        mark(true, starts.median() <= ChainLatency.TARGET_START_MILLIS)),
                row("Anchor round trip on anvil (%d calls)".formatted(ChainLatency.ROUND_TRIPS),
                        millis(roundTrips.median()) + " ms", millis(roundTrips.p95()) + " ms",
                        "≤ " + integer(ChainLatency.TARGET_ROUND_TRIP_MILLIS) + " ms",
                        mark(true, roundTrips.p95() <= ChainLatency.TARGET_ROUND_TRIP_MILLIS)),
                ChainLatency.POLL_INTERVAL.toMillis(), ChainLatency.WARM_UP_ROUND_TRIPS, startSamples);
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String gas(double value) {
        return integer(Math.round(value));
    }

    private static String integer(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** Whole numbers from 100 up or when exact, else one decimal. */
    private static String decimal(double value) {
        boolean whole = value >= 100 || value == Math.rint(value);
        return String.format(Locale.ROOT, whole ? "%,.0f" : "%.1f", value);
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%.1f", value);
    }

    private static String target(OptionalLong target) {
        return target.isPresent() ? "≤ " + gas(target.getAsLong()) : "—";
    }

    private static String mark(boolean hasTarget, boolean met) {
        return !hasTarget ? "—" : met ? "✓" : "✗";
    }

    private static String orDash(String text) {
        return text.isEmpty() ? "—" : text;
    }
}
