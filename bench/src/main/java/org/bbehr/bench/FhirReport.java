package org.bbehr.bench;

import java.nio.file.Path;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bbehr.bench.LoadRun.Figure;

/** The FHIR load benchmark's figures, each beside its target, as a Markdown section of docs/benchmarks.md. */
final class FhirReport {

    static final String COMMAND = "./mvnw -q -pl bench -am -Pfhir-bench -DskipTests verify";

    static final long TARGET_START_MILLIS = 10_000;
    static final long TARGET_IDLE_MIB = 512;
    static final double TARGET_INGEST = 2_000;
    static final double TARGET_VALIDATED_INGEST = 500;
    static final double TARGET_READ_P99_MILLIS = 10;
    static final int TARGET_READ_P99_CLIENTS = 16;

    /** What the reference HAPI FHIR JPA starter does on this kind of machine. */
    static final String REFERENCE_INGEST = "≈ 1,550 resources/s";
    static final String REFERENCE_READ_4 = "2,200–3,700 req/s, p99 12 ms";
    static final String REFERENCE_READ_16 = "2,200–3,700 req/s, p99 25 ms";
    static final String REFERENCE_CREATE = "570–860 req/s";

    /** Statuses of the full-validation probe: a Patient breaking invariant pat-1, sent three ways. */
    record Probe(int plain, int singleWithHeader, int transactionWithHeader) {

        boolean singleValidated() {
            return plain / 100 == 2 && singleWithHeader / 100 == 4;
        }

        boolean transactionValidated() {
            return plain / 100 == 2 && transactionWithHeader / 100 == 4;
        }
    }

    /** Everything one run measured. */
    record Results(
            LocalDate date,
            Machine machine,
            String storeMode,
            String java,
            List<String> jvmOptions,
            List<String> serverArgs,
            List<Long> startMillis,
            long rssAfterStartKib,
            long rssBriefIdleKib,
            long[] heapBriefIdleKib,
            long rssIdleKib,
            long[] heapIdleKib,
            long helpersIdleKib,
            long rssEndKib,
            long[] heapEndKib,
            long warmUpResources,
            long resourcesWritten,
            int patientIds,
            int observationIds,
            Probe probe,
            List<Figure> ingest,
            List<Figure> validatedIngest,
            List<Figure> reads,
            Figure creates,
            Figure validatedCreates,
            Duration runTime,
            String loadAtEnd) {

        double medianStartMillis() {
            return Stats.median(startMillis);
        }
    }

    private FhirReport() {}

    /** "## FHIR server (memory store)", "## FHIR server (embedded store)", … */
    static String heading(String storeMode) {
        return "## FHIR server (" + storeMode + " store)";
    }

    static String render(Results results) {
        return String.join("\n",
                heading(results.storeMode()),
                "",
                context(results),
                startTable(results),
                loadTable(results),
                notes(results));
    }

    static String command(Results results) {
        return results.serverArgs().isEmpty() ? COMMAND
                : COMMAND + " -Dbench.serverArgs=\"" + String.join(" ", results.serverArgs()) + "\"";
    }

    private static String context(Results results) {
        Machine machine = results.machine();
        String root = Path.of("").toAbsolutePath().getParent() + "/"; // the bench module runs in <root>/bench
        String jvm = results.jvmOptions().isEmpty() ? "none (the JVM's defaults)"
                : "`" + String.join(" ", results.jvmOptions()).replace(root, "") + "`";
        String serverArgs = results.serverArgs().isEmpty() ? "" : " " + String.join(" ", results.serverArgs());
        return """
                - Date: %s
                - Machine: %d cores, %s, %s; load average %s at the start and %s at the end (1 min, other \
                processes included)
                - Java: %s, for the server and the load generator; server JVM options: %s
                - Server: `java -jar bbehr-app/target/bbehr.jar serve --port <free port>%s`, a child process of the \
                benchmark, store mode `%s`
                - Command: `%s` (main class `%s`); the run took %d s

                The load generator (`java.net.http.HttpClient`, one HTTP/1.1 connection per client thread, closed \
                loop: each client sends its next request when the last one is answered) runs on the same %d cores as \
                the server, so every figure is the server's share of a shared machine; the last column gives each \
                side's CPU use over the run, as a share of all cores (the server's with its helper processes, such \
                as an embedded PostgreSQL).
                """.formatted(results.date(), machine.cores(), machine.memory(), machine.os(), machine.load(),
                results.loadAtEnd(), results.java(), jvm, serverArgs, results.storeMode(), command(results),
                FhirLoadBenchmark.class.getName(), results.runTime().toSeconds(), machine.cores());
    }

    private static String startTable(Results results) {
        String samples = results.startMillis().stream().map(FhirReport::integer).collect(Collectors.joining(", "));
        double median = results.medianStartMillis();
        long idleMib = mib(results.rssIdleKib());
        long idleSeconds = FhirLoadBenchmark.IDLE_TIME.toSeconds();
        String helpers = results.helpersIdleKib() == 0 ? ""
                : row("Memory of the server's helper processes (PostgreSQL), PSS summed, idle",
                        integer(mib(results.helpersIdleKib())) + " MiB", "—", "—");
        return """
                ### Start-up and memory

                | Measure | Value | Target | Met |
                |---|--:|--:|:-:|
                %s%s%s%s%s%s
                Start-up is the time from starting the process to the first 200 from `/readyz`; \
                the starts took %s ms. Resident memory is the server JVM's `VmRSS` (`/proc/<pid>/status`), the \
                heap figures `jcmd <pid> GC.heap_info` (used includes garbage not yet collected); the idle figure is \
                taken after the warm-up load (ingest of %s resources, reads, creates, some with full validation) and %d s \
                without requests, long enough for the node to let go of its profile validator, unused for 60 s by \
                then (`bbehr.fhir.validator-release-after`, which a node that validates only on request uses)%s.
                """.formatted(
                row("Start-up to ready (median of %d)".formatted(results.startMillis().size()),
                        integer(Math.round(median)) + " ms", "≤ " + integer(TARGET_START_MILLIS) + " ms",
                        mark(median <= TARGET_START_MILLIS)),
                row("Resident memory right after start", integer(mib(results.rssAfterStartKib())) + " MiB", "—",
                        "—"),
                row("Resident memory after the warm-up load and %d s idle".formatted(
                        FhirLoadBenchmark.BRIEF_IDLE_TIME.toSeconds()), integer(mib(results.rssBriefIdleKib())) + " MiB"
                        + heap(results.heapBriefIdleKib()), "—", "—"),
                row("Resident memory after the warm-up load and %d s idle".formatted(idleSeconds),
                        integer(idleMib) + " MiB" + heap(results.heapIdleKib()),
                        "≤ " + integer(TARGET_IDLE_MIB) + " MiB", mark(idleMib <= TARGET_IDLE_MIB)),
                helpers,
                row("Resident memory at the end (%s resources in the store)".formatted(
                        integer(results.resourcesWritten())), integer(mib(results.rssEndKib())) + " MiB"
                        + heap(results.heapEndKib()), "—", "—"),
                samples, integer(results.warmUpResources()), idleSeconds,
                results.storeMode().equals("memory")
                        ? "; the memory store keeps every resource on the heap, so the last figure grows with them"
                        : "");
    }

    private static String loadTable(Results results) {
        StringBuilder rows = new StringBuilder();
        int cores = results.machine().cores();
        for (Figure figure : results.ingest()) {
            rows.append(loadRow(figure, cores, rate(figure, "resources/s"),
                    "≥ " + integer(Math.round(TARGET_INGEST)) + " resources/s",
                    mark(figure.failures() == 0 && figure.unitsPerSecond() >= TARGET_INGEST), REFERENCE_INGEST));
        }
        for (Figure figure : results.validatedIngest()) {
            rows.append(loadRow(figure, cores, rate(figure, "resources/s"),
                    "≥ " + integer(Math.round(TARGET_VALIDATED_INGEST)) + " resources/s (stretch)",
                    results.probe().transactionValidated()
                            ? mark(figure.failures() == 0 && figure.unitsPerSecond() >= TARGET_VALIDATED_INGEST)
                            : "✗ (not validated)", "—"));
        }
        for (Figure figure : results.reads()) {
            boolean targeted = figure.clients() == TARGET_READ_P99_CLIENTS;
            rows.append(loadRow(figure, cores, rate(figure, "req/s"),
                    targeted ? "p99 ≤ " + decimal(TARGET_READ_P99_MILLIS) + " ms" : "—",
                    targeted ? mark(figure.failures() == 0 && figure.p99Millis() <= TARGET_READ_P99_MILLIS) : "—",
                    figure.clients() == 4 ? REFERENCE_READ_4 : REFERENCE_READ_16));
        }
        Figure creates = results.creates();
        rows.append(loadRow(creates, cores, rate(creates, "req/s"), "—", "—", REFERENCE_CREATE));
        Figure validated = results.validatedCreates();
        rows.append(loadRow(validated, cores, rate(validated, "resources/s"),
                "≥ " + integer(Math.round(TARGET_VALIDATED_INGEST)) + " resources/s (stretch)",
                results.probe().singleValidated()
                        ? mark(validated.failures() == 0 && validated.unitsPerSecond() >= TARGET_VALIDATED_INGEST)
                        : "✗ (not validated)", "—"));
        return """
                ### Load

                Each run came after the warm-up load; ingest runs %d s (%d s with full validation), reads and \
                creates %d s each. Latency is per request (per Bundle for ingest), p50 and p99 nearest-rank over every \
                request of the run. Reference: the HAPI FHIR JPA starter on the same kind of machine.

                | Workload | Clients | Requests (failed) | Throughput | p50 | p99 | Target | Met | Reference (HAPI JPA) \
                | CPU server / load generator |
                |---|--:|--:|--:|--:|--:|--:|:-:|--:|--:|
                %s""".formatted(FhirLoadBenchmark.INGEST_TIME.toSeconds(),
                FhirLoadBenchmark.VALIDATED_INGEST_TIME.toSeconds(), FhirLoadBenchmark.READ_TIME.toSeconds(), rows);
    }

    private static String notes(Results results) {
        Probe probe = results.probe();
        StringBuilder notes = new StringBuilder();
        notes.append("""
                Ingest: each Bundle is one new fictional patient in Synthea's shapes, built in code: the Patient \
                (conditional create on a new MRN), 5 encounters, 4 conditions, 20 vital-sign and 10 laboratory \
                observations, 4 medication requests, 3 procedures and 3 immunizations, linked by `urn:uuid:` \
                references (about 45 KB of JSON); a Bundle counts as done when all %d resources are `201 Created`. \
                Reads: a random Patient or Observation (half each) of the %s patients and %s observations created \
                by then. Creates: a new Patient per POST; with full validation, a new Patient or a vital-sign \
                Observation of an existing patient (half each).

                Full-validation probe (a Patient that breaks only the core invariant pat-1): plain `POST /Patient` \
                %d, with `%s: full` %d, in a transaction Bundle with the header %d. %s
                """.formatted(SyntheticRecords.RESOURCES_PER_BUNDLE, integer(results.patientIds()),
                integer(results.observationIds()), probe.plain(), FhirLoadBenchmark.VALIDATION_HEADER,
                probe.singleWithHeader(), probe.transactionWithHeader(),
                probe.transactionValidated() ? "Transactions are validated when asked."
                        : "The server does not apply full validation to transaction Bundles, so the \"Ingest with "
                                + "full validation\" rows measure the same work as plain ingest, and are marked ✗."));
        List<Figure> all = new java.util.ArrayList<>(results.ingest());
        all.addAll(results.validatedIngest());
        all.addAll(results.reads());
        all.add(results.creates());
        all.add(results.validatedCreates());
        for (Figure figure : all) {
            if (figure.failures() > 0) {
                notes.append("\nFailures in \"").append(figure.name()).append("\" (").append(figure.clients())
                        .append(" clients): by status ").append(figure.failureStatuses()).append("; the first: `")
                        .append(figure.firstFailure().replace("`", "'")).append("`\n");
            }
        }
        return notes.toString();
    }

    private static String loadRow(Figure figure, int cores, String rate, String target, String met, String reference) {
        return row(figure.name(), Integer.toString(figure.clients()),
                integer(figure.requests()) + (figure.failures() == 0 ? "" : " (" + integer(figure.failures()) + ")"),
                rate, millis(figure.p50Millis()) + " ms", millis(figure.p99Millis()) + " ms", target, met, reference,
                percent(figure.serverCpuShare(cores)) + " / " + percent(figure.driverCpuShare(cores)));
    }

    private static String rate(Figure figure, String unit) {
        return integer(Math.round(figure.unitsPerSecond())) + " " + unit;
    }

    /** " (heap: 1,272 MiB committed, 440 MiB used)", or "" if jcmd did not tell. */
    private static String heap(long[] committedAndUsedKib) {
        return committedAndUsedKib == null ? "" : " (heap: %s MiB committed, %s MiB used)".formatted(
                integer(mib(committedAndUsedKib[0])), integer(mib(committedAndUsedKib[1])));
    }

    private static long mib(long kib) {
        return Math.round(kib / 1024.0);
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String integer(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, value == Math.rint(value) ? "%,.0f" : "%.1f", value);
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%.1f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    private static String mark(boolean met) {
        return met ? "✓" : "✗";
    }
}
