package org.bbehr.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.bbehr.core.anchor.AnchorBatch;
import org.bbehr.core.anchor.AnchorLoop;
import org.bbehr.core.anchor.AnchorSettings;
import org.bbehr.core.anchor.Anchorer;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.core.verify.RecordVerifier;
import org.bbehr.core.verify.VerificationReport;
import org.bbehr.core.verify.VerificationStatus;
import org.bbehr.core.verify.VerifyScope;
import org.bbehr.ledger.devchain.DevChain;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.PostgresServer;
import org.bbehr.store.record.PostgresAnchorJournal;
import org.bbehr.store.record.PostgresRecordStore;

/**
 * Anchoring and verification on the real store and the dev chain, at the default anchoring settings: time from a
 * write to its anchored state, gas per record over a real ingest (transactions of {@value #INGEST_TRANSACTION}
 * versions), and {@code $verify} of the whole store in versions per second. Prints a table and writes the
 * "Anchoring and verification" section of docs/benchmarks.md. Run it with {@value #COMMAND}.
 */
public final class AnchoringBenchmark {

    static final String HEADING = "## Anchoring and verification";
    static final String COMMAND = "./mvnw -q -pl bench -am -Panchor-bench -DskipTests verify";
    static final int LATENCY_SAMPLES = 30;
    static final int INGEST_VERSIONS = 20_000;
    static final int INGEST_TRANSACTION = 100;

    record Results(List<Long> latenciesMillis, int ingested, double ingestSeconds, long gas, long leaves,
            int batches, long verifiedVersions, double verifySeconds, double verifyCpuSeconds, long tampered) {}

    private AnchoringBenchmark() {}

    /** @param args the path of docs/benchmarks.md */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: AnchoringBenchmark <path of docs/benchmarks.md>");
            System.exit(2);
        }
        long started = System.nanoTime();
        Machine machine = Machine.describe();
        Results results;
        try (TempDir dir = TempDir.create();
                DevChain chain = DevChain.start(DevChain.Options.in(dir.path().resolve("chain")));
                Consortium consortium = new Consortium(chain);
                PostgresServer database = PostgresServer.start(PostgresServer.Options.in(dir.path().resolve("db")))) {
            var hospital = consortium.registerHospital("Anchoring Bench Hospital (synthetic)",
                    "https://anchoring-bench.example/fhir");
            NodeKeys keys = NodeKeys.loadOrCreate(dir.path().resolve("db"));
            PostgresRecordStore store = PostgresRecordStore.open(database.dataSource(), keys, Clock.systemUTC());
            PostgresAnchorJournal journal = new PostgresAnchorJournal(database.dataSource(), keys, Clock.systemUTC());
            Anchorer anchorer = new Anchorer(journal, hospital.ledger(), hospital.ledger(), AnchorSettings.defaults(), Clock.systemUTC());
            try (AnchorLoop loop = AnchorLoop.start(anchorer)) {
                List<Long> latencies = latencies(store, journal);
                results = ingestAndVerify(store, journal, hospital, latencies);
            }
        }
        String section = render(LocalDate.now(), machine, Duration.ofNanos(System.nanoTime() - started), results);
        BenchmarksFile.writeSection(Path.of(args[0]), HEADING, section);
        System.out.println(section);
        System.out.println("Written to " + Path.of(args[0]).toAbsolutePath());
    }

    /** Single writes, one at a time: how long until each one's anchored state can be read. */
    private static List<Long> latencies(PostgresRecordStore store, PostgresAnchorJournal journal) throws Exception {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            long start = System.nanoTime();
            ResourceKey key = store.write(List.of(observation(i))).getFirst().key();
            while (journal.find(key, 1).filter(s -> s.anchored()).isEmpty()) {
                Thread.sleep(5);
            }
            latencies.add((System.nanoTime() - start) / 1_000_000);
            Thread.sleep(137); // spread the writes over the batching window
        }
        return latencies;
    }

    private static Results ingestAndVerify(PostgresRecordStore store, PostgresAnchorJournal journal,
            Consortium.HospitalNode hospital, List<Long> latencies) throws Exception {
        Set<Long> before = journal.findAnchoredSince(Instant.EPOCH, Integer.MAX_VALUE).stream()
                .map(AnchorBatch::id).collect(Collectors.toSet());
        long start = System.nanoTime();
        for (int done = 0; done < INGEST_VERSIONS; done += INGEST_TRANSACTION) {
            List<ResourceWrite> writes = new ArrayList<>();
            for (int i = 0; i < INGEST_TRANSACTION; i++) {
                writes.add(observation(done + i));
            }
            store.write(writes);
        }
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        while (journal.findOldestPending().isPresent() || !journal.findUnconfirmed().isEmpty()) {
            Thread.sleep(50);
        }
        List<AnchorBatch> batches = journal.findAnchoredSince(Instant.EPOCH, Integer.MAX_VALUE).stream()
                .filter(b -> !before.contains(b.id())).toList();
        long gas = batches.stream().mapToLong(b -> hospital.ledger().findOutcome(b.transaction().hash())
                .orElseThrow().gasUsed()).sum();
        long leaves = batches.stream().mapToLong(AnchorBatch::leafCount).sum();
        RecordVerifier verifier = new RecordVerifier(store.evidence(), hospital.ledger(), hospital.id());
        verifier.verify(VerifyScope.everything(), false, n -> { }); // warm-up
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long verifyStart = System.nanoTime();
        VerificationReport report = verifier.verify(VerifyScope.everything(), false, n -> { });
        double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
        double verifyCpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        return new Results(latencies, INGEST_VERSIONS, ingestSeconds, gas, leaves, batches.size(),
                report.count(VerificationStatus.VERIFIED), verifySeconds, verifyCpuSeconds,
                report.count(VerificationStatus.TAMPERED));
    }

    private static ResourceWrite observation(int i) {
        String json = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":"
                + "\"Heart rate\"}]},\"subject\":{\"reference\":\"Patient/bench-" + (i % 500) + "\"},"
                + "\"effectiveDateTime\":\"2026-01-01T10:00:00Z\",\"valueQuantity\":{\"value\":" + (60 + i % 40)
                + ".0,\"unit\":\"/min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}";
        return new ResourceWrite.Put(new ResourceKey("Observation", UUID.randomUUID().toString()), OptionalLong.empty(),
                json.getBytes(UTF_8), IndexEntries.NONE);
    }

    static String render(LocalDate date, Machine machine, Duration runTime, Results r) {
        double gasPerRecord = (double) r.gas() / r.leaves();
        double verifyRate = r.verifiedVersions() / r.verifySeconds();
        double p95 = Stats.p95(r.latenciesMillis());
        return """
                %s

                - Date: %s
                - Machine: %d cores, %s, %s; load average %s at the start (1 min, other processes included)
                - Java: %s
                - Chain: %s, the dev chain (automine); store: embedded PostgreSQL with durable settings
                - Anchoring settings: the defaults (a batch at 1,000 versions or 1 s, whichever comes first; 1 confirmation)
                - Command: `%s` (main class `%s`); the run took %d s

                | Figure | Measured | Target | Met |
                |---|--:|--:|:-:|
                | write → anchored, median of %d single writes | %,.0f ms | | |
                | write → anchored, p95 | %,.0f ms | ≤ 3,000 ms | %s |
                | gas per record, ingest of %,d versions in transactions of %d (%d batches, %,d leaves) | %,.1f | ≤ 100 | %s |
                | `$verify` of the whole store (%,d versions, %d tampered), after one warm-up run | %,.0f versions/s | ≥ 20,000 | %s |
                | … per CPU-second of the node's JVM (PostgreSQL not counted) | %,.0f versions | | |

                Ingest took %.1f s (%,.0f versions/s), so batches were cut by size or by the 1 s window as the \
                store's write rate allowed; gas per record is the anchor transactions' total `gasUsed` over the \
                leaves they anchored. Verification decrypts every version, recomputes its content hash and proof, \
                and looks each distinct root up on chain once.
                """.formatted(HEADING, date, machine.cores(), machine.memory(), machine.os(), machine.load(),
                machine.java(), machine.anvil(), COMMAND, AnchoringBenchmark.class.getName(), runTime.toSeconds(),
                r.latenciesMillis().size(), Stats.median(r.latenciesMillis()), p95, p95 <= 3_000 ? "yes" : "no",
                r.ingested(), INGEST_TRANSACTION, r.batches(), r.leaves(), gasPerRecord,
                gasPerRecord <= 100 ? "yes" : "no", r.verifiedVersions(), r.tampered(), verifyRate,
                verifyRate >= 20_000 ? "yes" : "no", r.verifiedVersions() / r.verifyCpuSeconds(), r.ingestSeconds(), r.ingested() / r.ingestSeconds());
    }
}
