package org.bbehr.bench;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bbehr.bench.LoadRun.Call;
import org.bbehr.bench.LoadRun.Figure;
import org.bbehr.bench.LoadRun.Reply;

/**
 * FHIR search on the packaged node's embedded store: fills it with 100,000+ Observations (Synthea-shaped patients'
 * transaction Bundles, every search index on) and 10,000+ Patients, measuring ingest on the way, then measures
 * {@code Observation?patient=…&code=…} and {@code Patient?name=<prefix>} with 4 clients. Prints the tables and writes
 * the "FHIR search" section of docs/benchmarks.md. Run it with {@value #COMMAND}.
 */
public final class SearchBenchmark {

    static final String COMMAND = "./mvnw -q -pl bench -am -Psearch-bench -DskipTests verify";
    static final String HEADING = "## FHIR search (embedded store)";

    static final int OBSERVATIONS = Integer.getInteger("bench.observations", 100_000);
    static final int PATIENTS = Integer.getInteger("bench.patients", 10_000);
    static final int CLIENTS = 4;
    static final Duration SEARCH_TIME = Duration.ofSeconds(20);
    static final Duration INGEST_TIME = Duration.ofSeconds(15);
    /** What the issue compares with: the previous ingest figure (fhir-bench, 2 clients, Bundles of 50). */
    static final double PREVIOUS_INGEST = 3_301;
    private static final String[] CODES = {"8867-4", "29463-7", "9279-1", "8302-2", "8310-5", "2339-0", "4548-4"};
    private static final String[] NAME_PREFIXES = {"ab", "bar", "cast", "dun", "ekw", "farr", "gal", "hadd", "ive",
        "jank", "kow", "lind", "ana", "bea", "chl", "dal", "ele", "fre", "gre", "aar", "bru", "car", "dmi", "emi"};

    private SearchBenchmark() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: SearchBenchmark <bbehr.jar> <docs/benchmarks.md>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path file = Path.of(args[1]);
        long started = System.nanoTime();
        Machine machine = Machine.describeWithoutChain();
        List<String> jvmOptions = List.of(System.getProperty("bench.jvmArgs", "").strip().split("\\s+")).stream()
                .filter(s -> !s.isEmpty()).toList();
        String baselineJar = System.getProperty("bench.baselineJar", "");
        Figure baseline = baselineJar.isBlank() ? null : baselineIngest(Path.of(baselineJar), jvmOptions);
        try (TempDir work = TempDir.create()) {
            Path dataDir = work.path().resolve("data");
            try (ServerProcess server = ServerProcess.start(jar, jvmOptions, List.of("--bbehr.data-dir=" + dataDir),
                    dataDir, work.path().resolve("serve.log"))) {
                String section = measure(server, machine, jvmOptions, started, baseline);
                System.out.println(section);
                BenchmarksFile.writeSection(file, HEADING, section);
                System.out.println("Written to " + file.toAbsolutePath());
            }
        }
    }

    /**
     * Ingest on the node before search indexing (a jar built from an earlier commit), measured like the main run's
     * ingest right before it, so that both figures share the machine's load.
     */
    private static Figure baselineIngest(Path jar, List<String> jvmOptions) {
        try (TempDir work = TempDir.create()) {
            Path dataDir = work.path().resolve("data");
            try (ServerProcess server = ServerProcess.start(jar, jvmOptions, List.of("--bbehr.data-dir=" + dataDir),
                    dataDir, work.path().resolve("serve.log"))) {
                FhirLoadBenchmark.IdPool ids = new FhirLoadBenchmark.IdPool();
                progress("baseline: warm-up ingest");
                print(LoadRun.run("warm-up", server, 4, Duration.ofSeconds(10), 50, FhirLoadBenchmark.ingest(ids)));
                return print(LoadRun.run("Ingest before search indexing (" + jar.getFileName() + ")", server, 2,
                        INGEST_TIME, 50, FhirLoadBenchmark.ingest(ids)));
            }
        }
    }

    private static String measure(ServerProcess server, Machine machine, List<String> jvmOptions, long started,
            Figure baseline) {
        FhirLoadBenchmark.IdPool ids = new FhirLoadBenchmark.IdPool();
        progress("warm-up ingest");
        print(LoadRun.run("warm-up", server, 4, Duration.ofSeconds(10), 50, FhirLoadBenchmark.ingest(ids)));
        Figure ingest = print(LoadRun.run("Ingest: transaction Bundles of 50, every search index on", server, 2,
                INGEST_TIME, 50, FhirLoadBenchmark.ingest(ids)));
        progress("filling the store to %,d Observations and %,d Patients", OBSERVATIONS, PATIENTS);
        while (ids.snapshot().observations().length < OBSERVATIONS) {
            print(LoadRun.run("fill", server, 4, Duration.ofSeconds(20), 50, FhirLoadBenchmark.ingest(ids)));
        }
        while (ids.snapshot().patients().length < PATIENTS) {
            print(LoadRun.run("fill patients", server, 4, Duration.ofSeconds(10), 50, patientBundle(ids)));
        }
        FhirLoadBenchmark.IdPool.Snapshot stored = ids.snapshot();
        progress("warm-up searches");
        print(LoadRun.run("warm-up", server, CLIENTS, Duration.ofSeconds(10), 1, observationSearch(stored)));
        print(LoadRun.run("warm-up", server, CLIENTS, Duration.ofSeconds(5), 1, nameSearch()));
        Figure observations = print(LoadRun.run("`Observation?patient=…&code=…`", server, CLIENTS, SEARCH_TIME, 1,
                observationSearch(stored)));
        Figure names = print(LoadRun.run("`Patient?name=<prefix>` (first page of 20)", server, CLIENTS, SEARCH_TIME,
                1, nameSearch()));
        return render(machine, jvmOptions, stored, baseline, ingest, observations, names,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** A random patient's observations of a random code (vital signs and labs), as the target asks. */
    static Call observationSearch(FhirLoadBenchmark.IdPool.Snapshot stored) {
        return client -> {
            String patient = stored.patients()[client.random.nextInt(stored.patients().length)];
            String code = CODES[client.random.nextInt(CODES.length)];
            HttpResponse<byte[]> response = client.get("/Observation?patient=" + patient + "&code=http://loinc.org%7C"
                    + code);
            return Reply.of(response, 200);
        };
    }

    /** Patients whose name has a word starting with a random 2–4 letter prefix. */
    static Call nameSearch() {
        return client -> Reply.of(client.get("/Patient?name="
                + NAME_PREFIXES[client.random.nextInt(NAME_PREFIXES.length)]), 200);
    }

    /** A transaction Bundle of 50 new patients. */
    static Call patientBundle(FhirLoadBenchmark.IdPool ids) {
        return client -> {
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                entries.add("{\"resource\":" + client.records.patient()
                        + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
            }
            HttpResponse<String> response = client.post("", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
                    + "\"entry\":[" + String.join(",", entries) + "]}");
            ids.collect(response.body());
            return Reply.of(response, 200);
        };
    }

    private static String render(Machine machine, List<String> jvmOptions, FhirLoadBenchmark.IdPool.Snapshot stored,
            Figure baseline, Figure ingest, Figure observations, Figure names, Duration took) {
        StringBuilder s = new StringBuilder();
        s.append(HEADING).append("\n\n");
        s.append("- Date: ").append(LocalDate.now()).append('\n');
        s.append("- Machine: ").append(machine.cores()).append(" cores, ").append(machine.memory()).append(", ")
                .append(machine.os()).append("; load average ").append(machine.load())
                .append(" at the start (1 min, other processes included)\n");
        String root = Path.of("").toAbsolutePath().getParent() + "/";
        s.append("- Java: ").append(System.getProperty("java.version")).append("; server JVM options: `")
                .append(String.join(" ", jvmOptions).replace(root, "")).append("`\n");
        s.append("- Server: `java -jar bbehr-app/target/bbehr.jar serve`, store mode `embedded`, a fresh data"
                + " directory\n");
        s.append("- Command: `").append(COMMAND).append(baseline == null ? "" : " -Dbench.baselineJar=…")
                .append("` (main class `org.bbehr.bench.SearchBenchmark`")
                .append(baseline == null ? "" : "; the baseline jar built from commit 8845f6e, see bench/pom.xml")
                .append("); the run took ").append(took.toSeconds()).append(" s\n");
        s.append(String.format(Locale.ROOT, "- Store when searched: %,d Patients and %,d Observations created by the"
                + " benchmark (plus their encounters, conditions, medications, procedures and immunizations)\n\n",
                stored.patients().length, stored.observations().length));
        s.append("Clients as in the FHIR server benchmark (closed loop, one HTTP/1.1 connection each, on the same"
                + " machine). Latency is per request, p50 and p99 nearest-rank over every request of the run. Reference:"
                + " the HAPI FHIR JPA starter 8.8 on this kind of machine without its result cache.\n\n");
        s.append("| Workload | Clients | Requests (failed) | Throughput | p50 | p99 | Target | Met | Reference (HAPI"
                + " JPA) |\n|---|--:|--:|--:|--:|--:|--:|:-:|--:|\n");
        String ingestTarget = String.format(Locale.ROOT, "≥ %,.0f resources/s (within 20%% of %,.0f)",
                PREVIOUS_INGEST * 0.8, PREVIOUS_INGEST);
        boolean ingestMet = ingest.unitsPerSecond() >= PREVIOUS_INGEST * 0.8;
        if (baseline != null) {
            row(s, baseline, "resources/s", "—", null, "≈ 1,550 resources/s");
            double ratio = ingest.unitsPerSecond() / baseline.unitsPerSecond();
            row(s, ingest, "resources/s", String.format(Locale.ROOT, "%s and ≥ 80%% of the line above (%.0f%%)",
                    ingestTarget, ratio * 100), ingestMet && ratio >= 0.8, "≈ 1,550 resources/s");
        } else {
            row(s, ingest, "resources/s", ingestTarget, ingestMet, "≈ 1,550 resources/s");
        }
        row(s, observations, "req/s", "p99 ≤ 50 ms and ≥ 290 req/s (5× HAPI)",
                observations.p99Millis() <= 50 && observations.unitsPerSecond() >= 290,
                "~58 req/s, p50 69 ms (78,000 Observations)");
        row(s, names, "req/s", "p99 ≤ 20 ms", names.p99Millis() <= 20, "—");
        s.append("\nIngest is measured right after a 10 s warm-up (about 10,000 resources in the store), with every"
                + " standard search parameter extracted and indexed in the write transaction. The previous figure"
                + " (3,301 resources/s) was measured on a quiet machine at commit 8845f6e, before search indexing"
                + " existed; ")
                .append(baseline == null ? "this run had no baseline to compare with on the same machine.\n"
                        : "the line \"before search indexing\" is that node (the jar given by -Dbench.baselineJar,"
                                + " built from that commit), measured the same way just before, under the same"
                                + " load.\n");
        return s.toString();
    }

    private static void row(StringBuilder s, Figure f, String unit, String target, Boolean met, String reference) {
        s.append(String.format(Locale.ROOT, "| %s | %d | %,d (%,d) | %,.0f %s | %.1f ms | %.1f ms | %s | %s | %s |%n",
                f.name(), f.clients(), f.requests(), f.failures(), f.unitsPerSecond(), unit, f.p50Millis(),
                f.p99Millis(), target, met == null ? "—" : met ? "✓" : "✗", reference));
    }

    private static Figure print(Figure figure) {
        System.out.printf(Locale.ROOT, "  %-60s %2d clients: %7d requests (%d failed): %,.0f/s, p50 %.1f ms,"
                + " p99 %.1f ms%n", figure.name(), figure.clients(), figure.requests(), figure.failures(),
                figure.unitsPerSecond(), figure.p50Millis(), figure.p99Millis());
        if (figure.failures() > 0) {
            System.out.println("    failures by status " + figure.failureStatuses() + "; first: "
                    + figure.firstFailure());
        }
        return figure;
    }

    private static void progress(String format, Object... args) {
        System.out.println("[search-bench] " + String.format(Locale.ROOT, format, args));
    }
}
