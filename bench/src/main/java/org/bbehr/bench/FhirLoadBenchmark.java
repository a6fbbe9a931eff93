package org.bbehr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.bench.LoadRun.Call;
import org.bbehr.bench.LoadRun.Figure;
import org.bbehr.bench.LoadRun.Reply;

/**
 * Load-tests the FHIR server of the packaged node ({@code bbehr serve}, run from the jar as a child process): its
 * start-up, resident memory, transaction ingest, reads by id and single creates, each beside its target. Prints the
 * tables and writes them to the "FHIR server (… store)" section of docs/benchmarks.md. Run it with
 * {@value FhirReport#COMMAND}; add {@code -Dbench.serverArgs="--bbehr.store.mode=memory …"} for another store.
 */
public final class FhirLoadBenchmark {

    static final String VALIDATION_HEADER = "X-BbEHR-Validation";

    static final int BUNDLE = SyntheticRecords.RESOURCES_PER_BUNDLE;
    /** Ingest runs, transaction Bundles. */
    static final int[] INGEST_CLIENTS = {2, 4};
    static final Duration INGEST_TIME = Duration.ofSeconds(15);
    static final Duration VALIDATED_INGEST_TIME = Duration.ofSeconds(8);
    /** Reads by id. */
    static final int[] READ_CLIENTS = {4, 16};
    static final Duration READ_TIME = Duration.ofSeconds(10);
    /** Single creates. */
    static final int CREATE_CLIENTS = 4;
    static final Duration CREATE_TIME = Duration.ofSeconds(10);
    /** Memory is measured after a brief idle, and after the node had time to let go of its unused validator. */
    static final Duration BRIEF_IDLE_TIME = Duration.ofSeconds(10);
    static final Duration IDLE_TIME = Duration.ofSeconds(75);

    /** {@code -Dbench.timeScale=0.2} shortens every run and pause, for a quick trial of the benchmark itself. */
    private static final double TIME_SCALE = Double.parseDouble(System.getProperty("bench.timeScale", "1"));

    private static final Pattern LOCATION = Pattern.compile("\"location\":\"(Patient|Observation)/([^/\"]+)/_history/");
    private static final Pattern CREATED = Pattern.compile("\"status\":\"201 Created\"");

    private FhirLoadBenchmark() {}

    /**
     * @param args the path of bbehr.jar, the path of docs/benchmarks.md, then the server's extra arguments (each
     *     argument may hold several, separated by spaces)
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: FhirLoadBenchmark <bbehr.jar> <docs/benchmarks.md> [server arguments...]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path file = Path.of(args[1]);
        List<String> serverArgs = words(Arrays.copyOfRange(args, 2, args.length));
        List<String> jvmOptions = words(System.getProperty("bench.jvmArgs", ""));
        if (!jar.toFile().isFile()) {
            System.err.println("no jar at " + jar + ": build it first (./mvnw -q -DskipTests package)");
            System.exit(2);
        }
        FhirReport.Results results = run(jar, serverArgs, jvmOptions);
        String section = FhirReport.render(results);
        System.out.println(section);
        if (TIME_SCALE != 1) {
            System.out.println("A trial run (bench.timeScale=" + TIME_SCALE + "): " + file + " left as it was");
            return;
        }
        BenchmarksFile.writeSection(file, FhirReport.heading(results.storeMode()), section);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    private static FhirReport.Results run(Path jar, List<String> givenServerArgs, List<String> jvmOptions) {
        long runStarted = System.nanoTime();
        Machine machine = Machine.describeWithoutChain();
        String mode = storeMode(givenServerArgs);
        int startCount = Integer.getInteger("bench.starts", mode.equals("memory") ? 3 : 2);
        try (TempDir work = TempDir.create()) {
            List<String> serverArgs = new ArrayList<>(givenServerArgs);
            Path dataDir = null;
            if (!mode.equals("memory")) {
                dataDir = option(givenServerArgs, "--bbehr.data-dir").map(Path::of).orElse(null);
                if (dataDir == null) {
                    dataDir = work.path().resolve("data");
                    serverArgs.add("--bbehr.data-dir=" + dataDir);
                }
            }
            List<Long> starts = new ArrayList<>();
            for (int i = 1; i < startCount; i++) {
                progress("start %d of %d", i, startCount);
                try (ServerProcess server = ServerProcess.start(jar, jvmOptions, serverArgs, dataDir,
                        work.path().resolve("serve-" + i + ".log"))) {
                    starts.add(server.startMillis());
                }
            }
            progress("start %d of %d (kept for the load)", startCount, startCount);
            try (ServerProcess server = ServerProcess.start(jar, jvmOptions, serverArgs, dataDir,
                    work.path().resolve("serve-" + startCount + ".log"))) {
                starts.add(server.startMillis());
                try {
                    return measure(server, machine, mode, starts, jvmOptions, givenServerArgs, runStarted);
                } catch (RuntimeException | Error e) {
                    String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    System.err.println("the run failed (" + reason + "); the server's last output:\n"
                            + server.logTail());
                    throw e;
                }
            }
        }
    }

    private static FhirReport.Results measure(ServerProcess server, Machine machine, String mode, List<Long> starts,
            List<String> jvmOptions, List<String> serverArgs, long runStarted) {
        long rssAfterStart = server.residentKib();
        IdPool ids = new IdPool();

        progress("validation probes");
        FhirReport.Probe probe = probe(server);

        progress("warm-up");
        List<Figure> warmUp = new ArrayList<>();
        warmUp.add(run(server, "warm-up ingest", 4, Duration.ofSeconds(10), BUNDLE, ingest(ids)));
        warmUp.add(run(server, "warm-up validated ingest", 2, Duration.ofSeconds(4), BUNDLE, validatedIngest(ids)));
        IdPool.Snapshot warmUpIds = ids.snapshot();
        warmUp.add(run(server, "warm-up reads", 16, Duration.ofSeconds(5), 1, read(warmUpIds)));
        warmUp.add(run(server, "warm-up creates", 4, Duration.ofSeconds(3), 1, createPatient()));
        warmUp.add(run(server, "warm-up validated creates", 4, Duration.ofSeconds(5), 1, validatedCreate(warmUpIds)));

        progress("idle for %d s", scaled(IDLE_TIME).toSeconds());
        sleep(scaled(BRIEF_IDLE_TIME));
        long rssBriefIdle = server.residentKib();
        long[] heapBriefIdle = server.heapKib().orElse(null);
        sleep(scaled(IDLE_TIME.minus(BRIEF_IDLE_TIME)));
        long rssIdle = server.residentKib();
        long helpersIdle = server.helpersMemoryKib();
        long[] heapIdle = server.heapKib().orElse(null);

        List<Figure> ingest = new ArrayList<>();
        for (int clients : INGEST_CLIENTS) {
            ingest.add(run(server, "Ingest: transaction Bundles of 50", clients, INGEST_TIME, BUNDLE, ingest(ids)));
        }
        List<Figure> validatedIngest = new ArrayList<>();
        for (int clients : INGEST_CLIENTS) {
            validatedIngest.add(run(server, "Ingest with `" + VALIDATION_HEADER + ": full`", clients,
                    VALIDATED_INGEST_TIME, BUNDLE, validatedIngest(ids)));
        }
        IdPool.Snapshot readIds = ids.snapshot();
        List<Figure> reads = new ArrayList<>();
        for (int clients : READ_CLIENTS) {
            reads.add(run(server, "Read by id: Patient and Observation", clients, READ_TIME, 1, read(readIds)));
        }
        Figure creates = run(server, "Create Patient (single POST)", CREATE_CLIENTS, CREATE_TIME, 1, createPatient());
        Figure validatedCreates = run(server, "Create Patient or Observation with `" + VALIDATION_HEADER + ": full`",
                CREATE_CLIENTS, CREATE_TIME, 1, validatedCreate(readIds));

        long rssEnd = server.residentKib();
        long[] heapEnd = server.heapKib().orElse(null);
        long written = written(warmUp) + written(ingest) + written(validatedIngest) + written(List.of(creates))
                + written(List.of(validatedCreates));
        String java = System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
        return new FhirReport.Results(LocalDate.now(), machine, mode, java, jvmOptions, serverArgs, starts,
                rssAfterStart, rssBriefIdle, heapBriefIdle, rssIdle, heapIdle, helpersIdle, rssEnd, heapEnd, written(warmUp), written,
                readIds.patients().length, readIds.observations().length, probe, ingest, validatedIngest, reads,
                creates, validatedCreates, Duration.ofNanos(System.nanoTime() - runStarted), loadAverage());
    }

    /** One load run of {@code duration} (times the time scale), printed as it ends. */
    private static Figure run(ServerProcess server, String name, int clients, Duration duration, int unitsPerRequest,
            Call call) {
        return print(LoadRun.run(name, server, clients, scaled(duration), unitsPerRequest, call));
    }

    /** POSTs a new patient's transaction Bundle; succeeds if all 50 resources were created. */
    static Call ingest(IdPool ids, String... headers) {
        return client -> {
            HttpResponse<String> response = client.post("", client.records.transactionBundle(), headers);
            if (response.statusCode() != 200) {
                return Reply.of(response, 200);
            }
            String body = response.body();
            Matcher created = CREATED.matcher(body);
            int count = 0;
            while (created.find()) {
                count++;
            }
            ids.collect(body);
            return count == BUNDLE ? new Reply(true, 200, "")
                    : new Reply(false, 200, count + " of " + BUNDLE + " created: " + body);
        };
    }

    /** {@link #ingest} with the header that asks for full profile validation. */
    static Call validatedIngest(IdPool ids) {
        return ingest(ids, VALIDATION_HEADER, "full");
    }

    /** GETs a random Patient or Observation (half each) of those created. */
    static Call read(IdPool.Snapshot ids) {
        return client -> {
            boolean patient = client.random.nextBoolean();
            String[] pool = patient ? ids.patients() : ids.observations();
            String id = pool[client.random.nextInt(pool.length)];
            return Reply.of(client.get((patient ? "/Patient/" : "/Observation/") + id), 200);
        };
    }

    static Call createPatient() {
        return client -> Reply.of(client.post("/Patient", client.records.patient()), 201);
    }

    /** POSTs, with full profile validation, a new Patient or a vital sign of an existing patient (half each). */
    static Call validatedCreate(IdPool.Snapshot ids) {
        return client -> {
            if (client.random.nextBoolean()) {
                return Reply.of(client.post("/Patient", client.records.patient(), VALIDATION_HEADER, "full"), 201);
            }
            String patient = ids.patients()[client.random.nextInt(ids.patients().length)];
            return Reply.of(client.post("/Observation", client.records.vitalSign("Patient/" + patient),
                    VALIDATION_HEADER, "full"), 201);
        };
    }

    /**
     * Whether the server applies full profile validation where asked: a Patient that breaks only the core profile's
     * invariant pat-1 is sent plainly (should be accepted), with the header (should be refused), and in a
     * transaction with the header (should be refused).
     */
    private static FhirReport.Probe probe(ServerProcess server) {
        try (LoadRun.Client client = new LoadRun.Client(server.base())) {
            int plain = client.post("/Patient", client.records.patientFailingProfile()).statusCode();
            int single = client.post("/Patient", client.records.patientFailingProfile(), VALIDATION_HEADER, "full")
                    .statusCode();
            String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":"
                    + "\"urn:uuid:6f1c0a52-3b0e-4d7a-9c55-1d2e3f405162\",\"resource\":"
                    + client.records.patientFailingProfile()
                    + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
            int transaction = client.post("", bundle, VALIDATION_HEADER, "full").statusCode();
            return new FhirReport.Probe(plain, single, transaction);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of {@code --bbehr.store.mode=…} among the server's arguments; "memory" (the default) if absent. */
    static String storeMode(List<String> serverArgs) {
        return option(serverArgs, "--bbehr.store.mode").filter(mode -> !mode.isBlank())
                .map(mode -> mode.strip().toLowerCase(Locale.ROOT)).orElse("embedded"); // the server's default
    }

    /** The last value of {@code name=value} or {@code name value} among the arguments. */
    static Optional<String> option(List<String> args, String name) {
        String value = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith(name + "=")) {
                value = arg.substring(name.length() + 1);
            } else if (arg.equals(name) && i + 1 < args.size()) {
                value = args.get(i + 1);
            }
        }
        return Optional.ofNullable(value);
    }

    static List<String> words(String... texts) {
        List<String> words = new ArrayList<>();
        for (String text : texts) {
            for (String word : text.strip().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    /** The 1-minute load average now (other processes included), or "unknown". */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Resources written by successful requests. */
    private static long written(List<Figure> figures) {
        return figures.stream().mapToLong(f -> (f.requests() - f.failures()) * f.unitsPerRequest()).sum();
    }

    private static Figure print(Figure figure) {
        System.out.printf(Locale.ROOT, "  %s %-60s %2d clients: %7d requests (%d failed) in %.1f s: %,.0f/s, "
                        + "p50 %.1f ms, p99 %.1f ms; CPU server %.1f s, load generator %.1f s%n",
                java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")), figure.name(), figure.clients(), figure.requests(),
                figure.failures(), figure.seconds(),
                figure.unitsPerSecond(), figure.p50Millis(), figure.p99Millis(), figure.serverCpuSeconds(),
                figure.driverCpuSeconds());
        if (figure.failures() > 0) {
            System.out.println("    failures by status " + figure.failureStatuses() + "; first: "
                    + figure.firstFailure());
        }
        return figure;
    }

    /** A run's or pause's duration, times {@link #TIME_SCALE}. */
    private static Duration scaled(Duration duration) {
        return Duration.ofMillis(Math.max(500, Math.round(duration.toMillis() * TIME_SCALE)));
    }

    private static void progress(String format, Object... args) {
        System.out.println("[fhir-bench] " + String.format(Locale.ROOT, format, args));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The ids of the Patients and Observations created, from transaction responses (up to a bound). */
    static final class IdPool {

        private static final int CAPACITY = 300_000;

        /** A fixed copy to draw from. */
        record Snapshot(String[] patients, String[] observations) {}

        private final List<String> patients = new ArrayList<>();
        private final List<String> observations = new ArrayList<>();

        void collect(String transactionResponse) {
            Matcher location = LOCATION.matcher(transactionResponse);
            List<String> newPatients = new ArrayList<>(1);
            List<String> newObservations = new ArrayList<>(32);
            while (location.find()) {
                (location.group(1).equals("Patient") ? newPatients : newObservations).add(location.group(2));
            }
            synchronized (this) {
                if (patients.size() < CAPACITY) {
                    patients.addAll(newPatients);
                }
                if (observations.size() < CAPACITY) {
                    observations.addAll(newObservations);
                }
            }
        }

        synchronized Snapshot snapshot() {
            if (patients.isEmpty() || observations.isEmpty()) {
                throw new IllegalStateException("no Patient or Observation was created: the ingest failed");
            }
            return new Snapshot(patients.toArray(String[]::new), observations.toArray(String[]::new));
        }
    }
}
