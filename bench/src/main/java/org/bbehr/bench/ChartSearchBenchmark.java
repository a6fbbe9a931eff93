package org.bbehr.bench;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bbehr.bench.LoadRun.Call;
import org.bbehr.bench.LoadRun.Figure;
import org.bbehr.bench.LoadRun.Reply;

/**
 * A patient's chart searched right after a bulk load, and still after ten minutes of searching: loads 2,041 transaction
 * Bundles (one Patient, 49 vital-sign Observations over the five LOINC codes every patient shares, three Conditions,
 * MedicationRequests and Encounters) with 4 clients into a fresh node, then measures each chart search at 4 and 16
 * clients at once, searches on for ten minutes (every shape, 4 clients), and measures each again. Prints the tables
 * and writes the "Chart searches after a bulk load" section of docs/benchmarks.md. Run it with {@value #COMMAND}.
 */
public final class ChartSearchBenchmark {

    static final String COMMAND = "./mvnw -q -pl bench -am -Pchart-bench -DskipTests verify";
    static final String HEADING = "## Chart searches after a bulk load (embedded store)";
    static final int BUNDLES = Integer.getInteger("bench.bundles", 2_041);
    static final double TIME_SCALE = Double.parseDouble(System.getProperty("bench.timeScale", "1"));
    /**
     * Whether searches run before the load, on its first {@value #WARM_UP_BUNDLES} Bundles, as they have on a node
     * that has served its clinicians ({@code -Dbench.warmUp=true}, a trial that leaves the file alone). Off by default:
     * the measured scenario is a fresh node loaded and then searched, whose first searches also pay for the JIT.
     */
    static final boolean WARM_UP = Boolean.parseBoolean(System.getProperty("bench.warmUp", "false"));
    static final int WARM_UP_BUNDLES = 41;
    /** For a trial: idle this long after the load before searching ({@code -Dbench.pauseAfterLoad=30}, seconds). */
    static final Duration PAUSE_AFTER_LOAD = Duration.ofSeconds(Long.getLong("bench.pauseAfterLoad", 0));
    /** Not scaled by the time scale: the JIT takes its time whatever the trial. */
    static final Duration WARM_UP_TIME = Duration.ofSeconds(30);
    static final Duration RUN = scaled(Duration.ofSeconds(10));
    static final Duration SUSTAINED = scaled(Duration.ofMinutes(10));
    /** The HAPI FHIR JPA starter's throughput for {@code Observation?patient&code} on this data (131–181 req/s). */
    static final double HAPI_REQUESTS_PER_SECOND = 181;
    static final String[] VITAL_SIGNS = {"8867-4", "8480-6", "8462-4", "29463-7", "8310-5"};
    private static final Pattern PATIENT = Pattern.compile("\"location\":\"Patient/([^/\"]+)/_history/");

    /** A chart search: its name in the tables and its query, with {@code {patient}} and {@code {code}} filled in. */
    record Shape(String name, String query) {}

    static final List<Shape> SHAPES = List.of(
            new Shape("`Observation?patient&code`", "Observation?patient={patient}&code=http://loinc.org%7C{code}"),
            new Shape("`Observation?patient&category`", "Observation?patient={patient}&category=vital-signs"),
            new Shape("`Observation?patient&code&date=ge…&_sort=-date`",
                    "Observation?patient={patient}&code=http://loinc.org%7C{code}&date=ge2020-01-01&_sort=-date"),
            new Shape("`Condition?patient&clinical-status`", "Condition?patient={patient}&clinical-status=active"),
            new Shape("`MedicationRequest?patient&status`", "MedicationRequest?patient={patient}&status=active"),
            new Shape("`Encounter?patient&date`", "Encounter?patient={patient}&date=ge2020-01-01"));

    /** A measured run and how long after the end of the load it started. */
    record Timed(Figure figure, Duration afterLoad) {}

    private ChartSearchBenchmark() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ChartSearchBenchmark <bbehr.jar> <docs/benchmarks.md>");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        long started = System.nanoTime();
        Machine machine = Machine.describeWithoutChain();
        List<String> jvmOptions = List.of(System.getProperty("bench.jvmArgs", "").strip().split("\\s+")).stream()
                .filter(s -> !s.isEmpty()).toList();
        String section;
        try (TempDir work = TempDir.create()) {
            Path dataDir = work.path().resolve("data");
            try (ServerProcess server = ServerProcess.start(Path.of(args[0]), jvmOptions,
                    List.of("--bbehr.data-dir=" + dataDir), dataDir, work.path().resolve("serve.log"))) {
                section = measure(server, machine, jvmOptions, started);
            }
        }
        System.out.println(section);
        if (TIME_SCALE != 1 || BUNDLES != 2_041 || WARM_UP || PAUSE_AFTER_LOAD.isPositive()) {
            System.out.println("A trial run (bench.timeScale=" + TIME_SCALE + ", bench.bundles=" + BUNDLES + ", bench.warmUp=" + WARM_UP + "): "
                    + file + " left as it was");
            return;
        }
        BenchmarksFile.writeSection(file, HEADING, section);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    private static String measure(ServerProcess server, Machine machine, List<String> jvmOptions, long started) {
        String[] warmUpPatients = new String[0];
        if (WARM_UP) {
            progress("warm-up: %d chart Bundles, then every shape for %d s, as on a node that has served searches",
                    WARM_UP_BUNDLES, WARM_UP_TIME.toSeconds());
            warmUpPatients = load(server, 4, 0, WARM_UP_BUNDLES);
            print(LoadRun.run("warm-up: every shape", server, 4, WARM_UP_TIME, 1, anyShape(warmUpPatients)));
        }
        int from = warmUpPatients.length;
        progress("loading %,d chart Bundles with 4 clients", BUNDLES - from);
        long loadStarted = System.nanoTime();
        String[] loadedPatients = load(server, 4, from, BUNDLES);
        Duration loadTime = Duration.ofNanos(System.nanoTime() - loadStarted);
        String[] patients = Stream.concat(Arrays.stream(warmUpPatients), Arrays.stream(loadedPatients))
                .toArray(String[]::new);
        long loaded = System.nanoTime();
        progress("loaded in %d s; chart searches right away", loadTime.toSeconds());
        if (PAUSE_AFTER_LOAD.isPositive()) {
            progress("(a trial: idle for %d s first)", PAUSE_AFTER_LOAD.toSeconds());
            try {
                Thread.sleep(PAUSE_AFTER_LOAD);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<Timed> first = eachShape(server, patients, loaded);
        progress("searching on (every shape, 4 clients) until %d s after the load", SUSTAINED.toSeconds());
        List<Timed> sustained = new ArrayList<>();
        while (System.nanoTime() - loaded < SUSTAINED.toNanos()) {
            Duration at = Duration.ofNanos(System.nanoTime() - loaded);
            sustained.add(new Timed(print(LoadRun.run("every shape", server, 4, scaled(Duration.ofMinutes(1)), 1,
                    anyShape(patients))), at));
        }
        List<Timed> later = eachShape(server, patients, loaded);
        return render(machine, jvmOptions, patients.length, loadedPatients.length, loadTime, first, sustained, later,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Posts chart Bundles {@code from..to-1} from {@code clients} threads; returns the created Patients' ids. */
    private static String[] load(ServerProcess server, int clients, int from, int to) {
        AtomicInteger next = new AtomicInteger(from);
        List<String> patients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (LoadRun.Client client = new LoadRun.Client(server.base())) {
                    for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                        HttpResponse<String> response = client.post("", chartBundle(i));
                        Matcher patient = PATIENT.matcher(response.body());
                        if (response.statusCode() != 200 || !patient.find()) {
                            throw new IllegalStateException("Bundle " + i + " got " + response.statusCode() + ": "
                                    + response.body().substring(0, Math.min(500, response.body().length())));
                        }
                        synchronized (patients) {
                            patients.add(patient.group(1));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        server.requireAlive("the load");
        if (patients.size() != to - from) {
            throw new IllegalStateException("only " + patients.size() + " of " + (to - from) + " Bundles were stored");
        }
        return patients.toArray(String[]::new);
    }

    private static List<Timed> eachShape(ServerProcess server, String[] patients, long loaded) {
        List<Timed> figures = new ArrayList<>();
        for (Shape shape : SHAPES) {
            for (int clients : new int[] {4, 16}) {
                Duration at = Duration.ofNanos(System.nanoTime() - loaded);
                figures.add(new Timed(print(LoadRun.run(shape.name(), server, clients, RUN, 1,
                        search(shape, patients))), at));
            }
        }
        return figures;
    }

    /** {@code shape} for a random patient and vital sign; each must find at least one match. */
    static Call search(Shape shape, String[] patients) {
        return client -> {
            String query = shape.query().replace("{patient}", patients[client.random.nextInt(patients.length)])
                    .replace("{code}", VITAL_SIGNS[client.random.nextInt(VITAL_SIGNS.length)]);
            HttpResponse<byte[]> response = client.get("/" + query);
            Reply reply = Reply.of(response, 200);
            boolean found = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("\"fullUrl\"");
            return reply.ok() && !found ? new Reply(false, 200, "no match for " + query) : reply;
        };
    }

    static Call anyShape(String[] patients) {
        return client -> search(SHAPES.get(client.random.nextInt(SHAPES.size())), patients).send(client);
    }

    /** Bundle {@code n}: one patient's chart, as a transaction. */
    static String chartBundle(int n) {
        String patient = "urn:uuid:" + UUID.randomUUID();
        String subject = "\"subject\":{\"reference\":\"" + patient + "\"}";
        List<String> entries = new ArrayList<>();
        entries.add(entry(patient, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Chart" + n
                + "\",\"given\":[\"Synthetic\"]}],\"gender\":\"" + (n % 2 == 0 ? "female" : "male")
                + "\",\"birthDate\":\"19" + (40 + n % 60) + "-0" + (1 + n % 9) + "-1" + (n % 10) + "\"}"));
        for (int i = 0; i < 49; i++) {
            entries.add(entry("urn:uuid:" + UUID.randomUUID(), "{\"resourceType\":\"Observation\",\"status\":\"final\","
                    + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
                    + "\"code\":\"vital-signs\"}]}],\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\""
                    + VITAL_SIGNS[i % VITAL_SIGNS.length] + "\"}]}," + subject + ",\"effectiveDateTime\":\"20"
                    + (15 + i % 10) + "-0" + (1 + i % 9) + "-1" + (i % 10) + "T10:00:00Z\",\"valueQuantity\":{\"value\":"
                    + (60 + i) + ",\"unit\":\"/min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}"));
        }
        for (int i = 0; i < 3; i++) {
            entries.add(entry("urn:uuid:" + UUID.randomUUID(), "{\"resourceType\":\"Condition\",\"clinicalStatus\":"
                    + "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\""
                    + (i == 0 ? "resolved" : "active") + "\"}]},\"code\":{\"coding\":[{\"system\":"
                    + "\"http://snomed.info/sct\",\"code\":\"4464400" + i + "\"}]}," + subject + "}"));
            entries.add(entry("urn:uuid:" + UUID.randomUUID(), "{\"resourceType\":\"MedicationRequest\",\"status\":\""
                    + (i == 0 ? "stopped" : "active") + "\",\"intent\":\"order\",\"medicationCodeableConcept\":"
                    + "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"31463" + i
                    + "\"}]}," + subject + "}"));
            entries.add(entry("urn:uuid:" + UUID.randomUUID(), "{\"resourceType\":\"Encounter\",\"status\":\"finished\","
                    + "\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"},"
                    + subject + ",\"period\":{\"start\":\"202" + i + "-03-0" + (1 + i) + "T09:00:00Z\",\"end\":\"202"
                    + i + "-03-0" + (1 + i) + "T10:00:00Z\"}}"));
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static String entry(String fullUrl, String resource) {
        String type = resource.substring(17, resource.indexOf('"', 17));
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\","
                + "\"url\":\"" + type + "\"}}";
    }

    private static String render(Machine machine, List<String> jvmOptions, int patients, int timed, Duration loadTime,
            List<Timed> first, List<Timed> sustained, List<Timed> later, Duration took) {
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
        s.append("- Command: `").append(COMMAND).append("` (main class `org.bbehr.bench.ChartSearchBenchmark`); the"
                + " run took ").append(took.toSeconds()).append(" s\n");
        s.append(String.format(Locale.ROOT, "- Load: %,d transaction Bundles from 4 clients (each one Patient, 49"
                + " vital-sign Observations over LOINC 8867-4, 8480-6, 8462-4, 29463-7 and 8310-5, and three each of"
                + " Condition, MedicationRequest and Encounter): %,d Observations; the last %,d Bundles in %d s"
                + " (%,.0f resources/s)%n",
                patients, patients * 49, timed, loadTime.toSeconds(), timed * 59 / (loadTime.toNanos() / 1e9)));
        s.append(WARM_UP ? String.format(Locale.ROOT, "- Warm-up: before that load, the first %d Bundles, then %d s of"
                + " every search shape at 4 clients (not reported), as on a node that has served its clinicians before"
                + " a bulk load%n%n", WARM_UP_BUNDLES, WARM_UP_TIME.toSeconds())
                : "- No warm-up: a fresh node, whose search code first runs right after the load\n\n");
        s.append("Each search is for a random patient of the load (and a random one of the five codes); every"
                + " answer must be a 200 with at least one match. Clients as in the FHIR server benchmark (closed loop,"
                + " one HTTP/1.1 connection each, on the same machine). Latency is per request, p50 and p99"
                + " nearest-rank over every request of the run; \"after load\" is when the run started, counted from"
                + " the last Bundle's answer. Target: p99 ≤ 50 ms at 4 clients and, at 4 and 16 clients, at least"
                + String.format(Locale.ROOT, " %.0f req/s: 3× the HAPI FHIR JPA starter's 131–181 req/s for"
                        + " `Observation?patient&code` on this data (100,000 Observations, loaded the same way).%n%n",
                        3 * HAPI_REQUESTS_PER_SECOND));
        s.append("### Right after the load\n\n");
        table(s, first);
        s.append("\n### Ten minutes of searching (every shape at random, 4 clients)\n\n");
        s.append("| After load | Requests (failed) | Throughput | p50 | p99 |\n|--:|--:|--:|--:|--:|\n");
        for (Timed t : sustained) {
            Figure f = t.figure();
            s.append(String.format(Locale.ROOT, "| %d s | %,d (%,d) | %,.0f req/s | %.1f ms | %.1f ms |%n",
                    t.afterLoad().toSeconds(), f.requests(), f.failures(), f.unitsPerSecond(), f.p50Millis(),
                    f.p99Millis()));
        }
        s.append("\n### After ten minutes of searching\n\n");
        table(s, later);
        return s.toString();
    }

    private static void table(StringBuilder s, List<Timed> runs) {
        s.append("| Search | Clients | After load | Requests (failed) | Throughput | p50 | p99 | Met |\n"
                + "|---|--:|--:|--:|--:|--:|--:|:-:|\n");
        for (Timed t : runs) {
            Figure f = t.figure();
            boolean met = f.failures() == 0 && f.unitsPerSecond() >= 3 * HAPI_REQUESTS_PER_SECOND
                    && (f.clients() != 4 || f.p99Millis() <= 50);
            s.append(String.format(Locale.ROOT, "| %s | %d | %d s | %,d (%,d) | %,.0f req/s | %.1f ms | %.1f ms | %s |%n",
                    f.name(), f.clients(), t.afterLoad().toSeconds(), f.requests(), f.failures(), f.unitsPerSecond(),
                    f.p50Millis(), f.p99Millis(), met ? "✓" : "✗"));
        }
    }

    private static Duration scaled(Duration duration) {
        return Duration.ofMillis(Math.max(1_000, (long) (duration.toMillis() * TIME_SCALE)));
    }

    private static Figure print(Figure figure) {
        System.out.printf(Locale.ROOT, "  %-50s %2d clients: %7d requests (%d failed): %,.0f/s, p50 %.1f ms,"
                + " p99 %.1f ms%n", figure.name(), figure.clients(), figure.requests(), figure.failures(),
                figure.unitsPerSecond(), figure.p50Millis(), figure.p99Millis());
        if (figure.failures() > 0) {
            System.out.println("    failures by status " + figure.failureStatuses() + "; first: "
                    + figure.firstFailure());
        }
        return figure;
    }

    private static void progress(String format, Object... args) {
        System.out.println("[chart-bench] " + String.format(Locale.ROOT, format, args));
    }
}
