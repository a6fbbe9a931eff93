package org.bbehr.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bbehr.app.demo.SyntheaProcess;
import org.bbehr.app.importer.FhirImport;
import org.bbehr.app.importer.ImportSummary;

/**
 * Synthea data into a node: ingest through {@code bbehr import} (the FHIR API, transaction Bundles, every write
 * validated, encrypted and indexed, and anchored where the node anchors) into {@code bbehr dev} with its chain, and
 * the time {@code bbehr dev} takes to be ready again once its demo patients are loaded. Prints the tables and writes
 * the "{@value #HEADING}" section of docs/benchmarks.md.
 */
public final class SyntheaBenchmark {

    static final String HEADING = "## Synthea import and `bbehr dev`";
    static final String COMMAND = "./mvnw -q -pl bench -am -Psynthea-bench -DskipTests verify";
    static final double TARGET_INGEST = 1_600;
    static final String REFERENCE_INGEST = "≈ 1,550 resources/s (HAPI FHIR JPA starter, no encryption or anchoring)";
    static final long TARGET_RESTART_MILLIS = 15_000;
    static final int INGEST_PATIENTS = Integer.getInteger("bench.patients", 30);
    static final long INGEST_SEED = 7;
    static final int DEMO_PATIENTS = 20;
    static final int RESTARTS = 3;
    static final int[] SENDERS = {2, 4};
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(15);

    /** One measured import. */
    record Ingest(int senders, int bundles, long created, long rejected, long millis, double serverCpuSeconds) {
        double perSecond() {
            return created * 1000.0 / millis;
        }
    }

    private SyntheaBenchmark() {}

    /** @param args the path of bbehr.jar, of docs/benchmarks.md and of the project */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: SyntheaBenchmark <bbehr.jar> <docs/benchmarks.md> <project folder>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path file = Path.of(args[1]);
        Path home = Path.of(args[2]);
        long started = System.nanoTime();
        Machine machine = Machine.describe();
        List<String> jvm = List.of("@" + home.resolve("bbehr-app/jvm.options"), "-Dbbehr.home=" + home);
        Path cache = home.resolve("bench/target/synthea-cache");
        SyntheaProcess generator = SyntheaProcess.in(home);
        progress("generating %d patients with Synthea (cached in %s)", INGEST_PATIENTS, cache);
        Path bundles = generator.generate(INGEST_PATIENTS, INGEST_SEED, cache);
        try (TempDir work = TempDir.create()) {
            List<Ingest> ingests = ingest(jar, jvm, bundles, work.path());
            List<Long> restarts = new ArrayList<>();
            long firstStart = devStarts(jar, jvm, cache, work.path(), restarts);
            String section = render(machine, jvm, bundles, ingests, firstStart, restarts,
                    (System.nanoTime() - started) / 1_000_000_000L);
            System.out.println(section);
            BenchmarksFile.writeSection(file, HEADING, section);
            System.out.println("Written to " + file.toAbsolutePath());
        }
    }

    /** A warm-up import of the whole set, then one measured import per number of senders, into one dev node. */
    private static List<Ingest> ingest(Path jar, List<String> jvm, Path bundles, Path work) {
        Path data = work.resolve("ingest");
        List<String> args = List.of("--no-demo", "--data-dir", data.toString());
        try (ServerProcess node = ServerProcess.start(jar, jvm, "dev", args, data, work.resolve("ingest.log"))) {
            node.millisUntilOutput("BbEHR is ready", READY_TIMEOUT);
            progress("warm-up: importing the %d patients once", INGEST_PATIENTS);
            run(node, bundles, 4);
            List<Ingest> measured = new ArrayList<>();
            for (int senders : SENDERS) {
                progress("measured import with %d senders", senders);
                measured.add(run(node, bundles, senders));
                System.out.println(describe(measured.getLast()));
            }
            return measured;
        }
    }

    private static Ingest run(ServerProcess node, Path bundles, int senders) {
        ImportSummary summary = new ImportSummary();
        double cpuBefore = node.cpuSeconds();
        long started = System.nanoTime();
        new FhirImport(new FhirImport.Options(node.base(), senders))
                .run(bundles, summary, new PrintWriter(new StringWriter()), false);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (!summary.rejections().isEmpty()) {
            StringWriter listed = new StringWriter();
            summary.print(new PrintWriter(listed), millis);
            System.err.println("rejected entries:\n" + listed);
        }
        return new Ingest(senders, summary.files(), summary.count(ImportSummary.Outcome.CREATED),
                summary.rejections().size(), millis, node.cpuSeconds() - cpuBefore);
    }

    /**
     * {@code bbehr dev} with {@value #DEMO_PATIENTS} demo patients on a new data directory (its first start generates
     * them if the cache has none, and loads them), then {@value #RESTARTS} restarts, each timed into {@code restarts}.
     *
     * @return the first start's time to ready
     */
    private static long devStarts(Path jar, List<String> jvm, Path cache, Path work, List<Long> restarts) {
        Path data = work.resolve("dev");
        List<String> args = List.of("--data-dir", data.toString(), "--demo-patients", Integer.toString(DEMO_PATIENTS),
                "--demo-cache", cache.toString());
        long first;
        progress("bbehr dev, first start with %d demo patients", DEMO_PATIENTS);
        try (ServerProcess dev = ServerProcess.start(jar, jvm, "dev", args, data, work.resolve("dev-0.log"))) {
            first = dev.millisUntilOutput("BbEHR is ready", READY_TIMEOUT);
        }
        for (int i = 1; i <= RESTARTS; i++) {
            progress("bbehr dev, restart %d of %d", i, RESTARTS);
            try (ServerProcess dev = ServerProcess.start(jar, jvm, "dev", args, data,
                    work.resolve("dev-" + i + ".log"))) {
                restarts.add(dev.millisUntilOutput("BbEHR is ready", READY_TIMEOUT));
            }
        }
        return first;
    }

    private static String render(Machine machine, List<String> jvm, Path bundles, List<Ingest> ingests,
            long firstStart, List<Long> restarts, long seconds) {
        StringBuilder s = new StringBuilder();
        s.append(HEADING).append("\n\n");
        s.append("- Date: ").append(LocalDate.now()).append('\n');
        s.append("- Machine: ").append(machine.cores()).append(" cores, ").append(machine.memory()).append(", ")
                .append(machine.os()).append("; load average ").append(machine.load())
                .append(" at the start and ").append(Machine.describeWithoutChain().load())
                .append(" at the end (1 min, other processes included)\n");
        s.append("- Java: ").append(machine.java()).append("; node JVM options: `@bbehr-app/jvm.options`\n");
        s.append("- Chain: ").append(machine.anvil()).append(", the dev chain of `bbehr dev`\n");
        s.append("- Command: `").append(COMMAND).append("` (main class `org.bbehr.bench.SyntheaBenchmark`); the run took ")
                .append(seconds).append(" s\n\n");
        s.append(String.format(Locale.ROOT, "Data: Synthea 3.3.0 (`bbehr-synthea`), %d patients, seed %d, 10 years "
                + "of history: %s, FHIR R4 transaction Bundles with the hospital and practitioner Bundles.%n%n",
                INGEST_PATIENTS, INGEST_SEED, describeFiles(bundles)));
        s.append("### Ingest\n\n");
        s.append("`bbehr import`'s code (`FhirImport`, the HAPI FHIR generic client, one Bundle per request, the "
                + "information Bundles first) against `bbehr dev --no-demo` run from the jar, in the same process as "
                + "the benchmark's clock; each import follows a warm-up import of the same Bundles, so patients are "
                + "created anew each time (the information Bundles' resources are found already there and not "
                + "counted). Throughput is resources created / wall time of the whole import. Every write is "
                + "structurally validated, encrypted under its own data key, indexed and queued for anchoring (its "
                + "outbox row), in one database transaction per Bundle; the anchorer that then sends batches to the "
                + "chain was not part of the build measured on this date. Server CPU is the node's and its helpers' "
                + "(PostgreSQL, anvil) user + system time during the import; the load generator runs on the same "
                + "cores.\n\n");
        s.append("| Senders | Bundles | Resources created | Rejected | Time | Throughput | Server CPU | Target | Met "
                + "| Reference |\n|--:|--:|--:|--:|--:|--:|--:|--:|:-:|--|\n");
        for (Ingest ingest : ingests) {
            s.append(String.format(Locale.ROOT, "| %d | %,d | %,d | %,d | %.1f s | %,.0f resources/s | %.0f s | ≥ %,.0f "
                    + "resources/s | %s | %s |%n", ingest.senders(), ingest.bundles(), ingest.created(),
                    ingest.rejected(), ingest.millis() / 1000.0, ingest.perSecond(), ingest.serverCpuSeconds(),
                    TARGET_INGEST, ingest.perSecond() >= TARGET_INGEST ? "✓" : "✗", REFERENCE_INGEST));
        }
        s.append("\n### `bbehr dev` to ready\n\n");
        s.append(String.format(Locale.ROOT, "From starting `java -jar bbehr-app/target/bbehr.jar dev` (as `./bbehr "
                + "dev` runs it, without the script's build check) to its \"BbEHR is ready\" line, with %d demo "
                + "patients.%n%n", DEMO_PATIENTS));
        s.append("| Start | Time to ready | Target | Met |\n|---|--:|--:|:-:|\n");
        s.append(String.format(Locale.ROOT, "| First start (new data directory: chain, database, keys; Synthea's "
                + "patients from the cache or generated now; import) | %,d ms | — | — |%n", firstStart));
        long median = restarts.stream().sorted().toList().get(restarts.size() / 2);
        s.append(String.format(Locale.ROOT, "| Restart (median of %d: %s ms) | %,d ms | ≤ %,d ms | %s |%n",
                restarts.size(), restarts.stream().map(ms -> String.format(Locale.ROOT, "%,d", ms)).toList()
                        .toString().replaceAll("[\\[\\]]", ""), median, TARGET_RESTART_MILLIS,
                median <= TARGET_RESTART_MILLIS ? "✓" : "✗"));
        return s.toString();
    }

    private static String describeFiles(Path bundles) {
        try (Stream<Path> files = Files.list(bundles)) {
            List<Path> all = files.toList();
            long bytes = all.stream().mapToLong(f -> f.toFile().length()).sum();
            return String.format(Locale.ROOT, "%d files, %.1f MB", all.size(), bytes / 1e6);
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String describe(Ingest ingest) {
        return String.format(Locale.ROOT, "%d senders: %,d resources in %.1f s = %,.0f resources/s (%d rejected)",
                ingest.senders(), ingest.created(), ingest.millis() / 1000.0, ingest.perSecond(), ingest.rejected());
    }

    private static void progress(String format, Object... args) {
        System.err.printf("[synthea-bench] " + format + "%n", args);
    }
}
