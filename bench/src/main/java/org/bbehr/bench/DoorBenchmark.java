package org.bbehr.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bbehr.bench.LoadRun.Call;
import org.bbehr.bench.LoadRun.Figure;

/**
 * What the one door costs: the node's jar against a baseline jar (the release before the door), in interleaved runs
 * (baseline, candidate; candidate, baseline; …, four rounds unless {@code -Dbench.rounds} says), each on a fresh
 * embedded store: transaction ingest
 * at 4 clients, then reads by id and {@code Observation?patient=…&code=…} at 16 clients. Prints a table of the medians
 * of the runs of each, with the candidate's ratio to the baseline, and writes it to the "One door: cost against
 * the release before it" section of docs/benchmarks.md. Run it with {@value #COMMAND}.
 */
public final class DoorBenchmark {

    static final String COMMAND = "./mvnw -q -pl bench -am -Pdoor-bench -DskipTests -Dbench.baselineJar=PATH verify";
    static final String HEADING = "## One door: cost against the release before it (embedded store)";

    /**
     * Rounds of baseline and candidate, the order alternating, an even number so that each runs first as often as
     * second: the second node of a round ran up to half again as fast as the first, whichever it was
     * ({@code -Dbench.rounds=N}).
     */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    static final int INGEST_CLIENTS = 4;
    static final int READ_CLIENTS = 16;
    static final Duration WARM_UP_INGEST = Duration.ofSeconds(10);
    static final Duration INGEST_TIME = Duration.ofSeconds(15);
    static final Duration WARM_UP = Duration.ofSeconds(5);
    static final Duration MEASURE_TIME = Duration.ofSeconds(10);
    /** Within 10% of the baseline's throughput and p99. */
    static final double TOLERANCE = 0.10;

    private static final double TIME_SCALE = Double.parseDouble(System.getProperty("bench.timeScale", "1"));

    private static final String[] MEASURES = {"Ingest: transaction Bundles of 50 (resources/s)",
            "Read by id: Patient and Observation", "`Observation?patient=…&code=…`"};
    private static final int[] CLIENTS = {INGEST_CLIENTS, READ_CLIENTS, READ_CLIENTS};

    private DoorBenchmark() {}

    /** @param args the baseline's bbehr.jar, the candidate's bbehr.jar, the path of docs/benchmarks.md */
    public static void main(String[] args) {
        if (ROUNDS < 2 || ROUNDS % 2 != 0) {
            System.err.println("bench.rounds must be even, so that each node runs first as often as second");
            System.exit(2);
        }
        if (args.length != 3 || args[0].isBlank()) {
            System.err.println("usage: DoorBenchmark <baseline bbehr.jar> <bbehr.jar> <docs/benchmarks.md>"
                    + " (-Dbench.baselineJar=PATH: the jar built from the release before the door)");
            System.exit(2);
        }
        Path baseline = Path.of(args[0]);
        Path candidate = Path.of(args[1]);
        Path file = Path.of(args[2]);
        for (Path jar : List.of(baseline, candidate)) {
            if (!jar.toFile().isFile()) {
                System.err.println("no jar at " + jar + ": build it first (./mvnw -q -DskipTests package)");
                System.exit(2);
            }
        }
        long started = System.nanoTime();
        Machine machine = Machine.describeWithoutChain();
        List<String> jvmOptions = FhirLoadBenchmark.words(System.getProperty("bench.jvmArgs", ""));
        Map<String, List<List<Figure>>> runs = new LinkedHashMap<>();
        runs.put("baseline", new ArrayList<>());
        runs.put("candidate", new ArrayList<>());
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> order = round % 2 == 1 ? List.of("baseline", "candidate") : List.of("candidate", "baseline");
            for (String which : order) {
                progress("round %d of %d: %s", round, ROUNDS, which);
                runs.get(which).add(measure(which.equals("baseline") ? baseline : candidate, jvmOptions));
            }
        }
        String section = render(machine, jvmOptions, runs, Duration.ofNanos(System.nanoTime() - started));
        System.out.println(section);
        if (TIME_SCALE != 1) {
            System.out.println("A trial run (bench.timeScale=" + TIME_SCALE + "): " + file + " left as it was");
            return;
        }
        BenchmarksFile.writeSection(file, HEADING, section);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    /** One node on a fresh store: ingest, then reads and searches of what it ingested. */
    private static List<Figure> measure(Path jar, List<String> jvmOptions) {
        try (TempDir work = TempDir.create()) {
            Path dataDir = work.path().resolve("data");
            try (ServerProcess server = ServerProcess.start(jar, jvmOptions, List.of("--bbehr.data-dir=" + dataDir),
                    dataDir, work.path().resolve("serve.log"))) {
                FhirLoadBenchmark.IdPool ids = new FhirLoadBenchmark.IdPool();
                run(server, "warm-up ingest", INGEST_CLIENTS, WARM_UP_INGEST, FhirLoadBenchmark.BUNDLE,
                        FhirLoadBenchmark.ingest(ids));
                Figure ingest = run(server, MEASURES[0], INGEST_CLIENTS, INGEST_TIME, FhirLoadBenchmark.BUNDLE,
                        FhirLoadBenchmark.ingest(ids));
                FhirLoadBenchmark.IdPool.Snapshot stored = ids.snapshot();
                Call read = FhirLoadBenchmark.read(stored);
                Call search = SearchBenchmark.observationSearch(stored);
                run(server, "warm-up reads", READ_CLIENTS, WARM_UP, 1, read);
                Figure reads = run(server, MEASURES[1], READ_CLIENTS, MEASURE_TIME, 1, read);
                run(server, "warm-up searches", READ_CLIENTS, WARM_UP, 1, search);
                Figure searches = run(server, MEASURES[2], READ_CLIENTS, MEASURE_TIME, 1, search);
                return List.of(ingest, reads, searches);
            }
        }
    }

    static String render(Machine machine, List<String> jvmOptions, Map<String, List<List<Figure>>> runs,
            Duration took) {
        StringBuilder out = new StringBuilder();
        out.append(HEADING).append("\n\n");
        out.append("- Date: ").append(LocalDate.now()).append('\n');
        out.append("- Machine: ").append(machine.cores()).append(" cores, ").append(machine.memory()).append(", ")
                .append(machine.os()).append("; load average ").append(machine.load())
                .append(" at the start (1 min, other processes included)\n");
        String root = Path.of("").toAbsolutePath().getParent() + "/";
        out.append("- Java: ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vendor")).append("); the node's JVM options: ")
                .append(jvmOptions.isEmpty() ? "none" : "`" + String.join(" ", jvmOptions).replace(root, "") + "`").append('\n');
        out.append("- Command: `").append(COMMAND).append("` (main class `org.bbehr.bench.DoorBenchmark`); the run took ")
                .append(took.toMinutes()).append(" min\n");
        out.append("- Baseline: the node's jar built from the release before the door (commit cb40617); candidate: this"
                + " build, every request through `RecordAccess` with the allow-all system actor\n");
        out.append("- Each run: `bbehr serve` from the jar on a fresh embedded store, 10 s of ingest to warm up, then 15 s"
                + " of ingest at 4 clients, 5 s of reads to warm up and 10 s measured at 16 clients, the same for the"
                + " search (a random patient of those ingested, a random one of five LOINC codes); " + ROUNDS + " rounds,"
                + " the order of baseline and candidate alternating (the second node of a round ran up to half again as fast"
                + " as the first, whichever it was, so each runs first in half the rounds); the figures are the medians"
                + " of the rounds\n\n");
        out.append("| Measure | Clients | Baseline /s | Candidate /s | Ratio | Baseline p99 | Candidate p99 | Ratio |"
                + " Target | Met |\n");
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|---|:-:|\n");
        for (int i = 0; i < MEASURES.length; i++) {
            int measure = i;
            double baseRate = Stats.median(runs.get("baseline").stream().map(r -> r.get(measure).unitsPerSecond())
                    .toList());
            double rate = Stats.median(runs.get("candidate").stream().map(r -> r.get(measure).unitsPerSecond())
                    .toList());
            double baseP99 = Stats.median(runs.get("baseline").stream().map(r -> r.get(measure).p99Millis()).toList());
            double p99 = Stats.median(runs.get("candidate").stream().map(r -> r.get(measure).p99Millis()).toList());
            boolean ingest = i == 0;
            boolean met = rate >= baseRate * (1 - TOLERANCE) && (ingest || p99 <= baseP99 * (1 + TOLERANCE));
            out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.2f | %.1f ms | %.1f ms | %.2f | %s | %s |%n",
                    MEASURES[i], CLIENTS[i], baseRate, rate, rate / baseRate, baseP99, p99, p99 / baseP99,
                    ingest ? "throughput ≥ 0.90 × baseline" : "throughput ≥ 0.90 ×, p99 ≤ 1.10 × baseline",
                    met ? "✓" : "✗"));
        }
        out.append("\nEach run's figures (throughput/s, p99 ms), in the order they ran:\n\n");
        for (Map.Entry<String, List<List<Figure>>> entry : runs.entrySet()) {
            out.append("- ").append(entry.getKey()).append(": ");
            List<String> rounds = new ArrayList<>();
            for (List<Figure> round : entry.getValue()) {
                List<String> figures = new ArrayList<>();
                for (Figure figure : round) {
                    figures.add(String.format(Locale.ROOT, "%,.0f/%.1f", figure.unitsPerSecond(), figure.p99Millis()));
                }
                rounds.add(String.join(", ", figures));
            }
            out.append(String.join("; ", rounds)).append('\n');
        }
        return out.toString();
    }

    private static Figure run(ServerProcess server, String name, int clients, Duration duration, int units,
            Call call) {
        Duration scaled = Duration.ofMillis(Math.max(500, Math.round(duration.toMillis() * TIME_SCALE)));
        Figure figure = LoadRun.run(name, server, clients, scaled, units, call);
        System.out.printf(Locale.ROOT, "  %-55s %2d clients: %,.0f/s, p50 %.1f ms, p99 %.1f ms, %d failed%n", name,
                clients, figure.unitsPerSecond(), figure.p50Millis(), figure.p99Millis(), figure.failures());
        if (figure.failures() > 0) {
            throw new IllegalStateException(name + ": " + figure.failures() + " requests failed, first: "
                    + figure.firstFailure());
        }
        return figure;
    }

    private static void progress(String format, Object... args) {
        System.out.println("[door-bench] " + String.format(Locale.ROOT, format, args));
    }
}
