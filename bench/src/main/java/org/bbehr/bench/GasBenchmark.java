package org.bbehr.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.bbehr.bench.ChainLatency.Timing;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevChain;

/**
 * Measures the contracts' gas and the dev chain's latency on anvil, prints the tables and writes them to the
 * "Gas and chain latency" section of docs/benchmarks.md. Run it with {@value Report#COMMAND}.
 */
public final class GasBenchmark {

    private GasBenchmark() {}

    /** @param args the path of docs/benchmarks.md */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: GasBenchmark <path of docs/benchmarks.md>");
            System.exit(2);
        }
        long started = System.nanoTime();
        Machine machine = Machine.describe();
        Timing starts = ChainLatency.startsWithFirstDeploy();
        List<GasFigure> calls;
        List<AnchorBatches.Figure> batches;
        Timing roundTrips;
        try (TempDir dir = TempDir.create();
                DevChain chain = DevChain.start(DevChain.Options.in(dir.path()));
                Consortium consortium = new Consortium(chain)) {
            calls = new CallGas(consortium).measure();
            Web3jLedger anchoringNode = consortium.registerHospital(
                    "Anchoring Hospital (synthetic)", "https://anchoring.example/fhir").ledger();
            batches = AnchorBatches.measure(anchoringNode);
            roundTrips = ChainLatency.anchorRoundTrips(anchoringNode);
        }
        String section = Report.render(new Report.Results(LocalDate.now(), machine,
                Duration.ofNanos(System.nanoTime() - started), calls, batches, starts, roundTrips));
        Path file = Path.of(args[0]);
        BenchmarksFile.writeSection(file, Report.HEADING, section);
        System.out.println(section);
        System.out.println("Written to " + file.toAbsolutePath());
    }
}
