package org.bbehr.store.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.PostgresServer;

/**
 * Prints the write throughput (batches of 50 new resources of about 1 KB, as a FHIR transaction brings them) and the
 * single-resource read latency of {@link PostgresRecordStore} on the embedded PostgreSQL. A figure printer, not a
 * test: run its main with the module's test class path.
 */
public final class StoreBenchmark {

    private static final int BATCH = 50;

    private StoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        int resources = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dataDir = Files.createTempDirectory("bbehr-store-bench");
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
            PostgresRecordStore store = PostgresRecordStore.open(server.dataSource(), keys, Clock.systemUTC());
            writeAll(store, keys, "warmup", 10_000, 2);
            for (int threads : new int[] {1, 2, 4}) {
                long started = System.nanoTime();
                writeAll(store, keys, "run" + threads, resources, threads);
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("write, %d thread(s): %d resources in %.2f s = %.0f resources/s%n", threads,
                        resources, seconds, resources / seconds);
            }
            List<ResourceKey> written = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                written.add(key("run1", ThreadLocalRandom.current().nextInt(resources)));
            }
            PostgresRecordStore restarted = PostgresRecordStore.open(server.dataSource(), keys, Clock.systemUTC());
            printLatency("read, data key not cached", restarted, written);
            printLatency("read, data key cached", restarted, written);
        }
    }

    private static void writeAll(PostgresRecordStore store, NodeKeys keys, String prefix, int count, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int from = 0; from < count; from += BATCH) {
                int first = from;
                done.add(pool.submit(() -> store.write(batch(keys, prefix, first, Math.min(BATCH, count - first)))));
            }
            for (Future<?> each : done) {
                each.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** A transaction's worth of synthetic resources: one patient and observations that reference it. */
    private static List<ResourceWrite> batch(NodeKeys keys, String prefix, int first, int size) {
        ResourceKey patient = key(prefix, first);
        List<ResourceWrite> writes = new ArrayList<>(size);
        for (int i = first; i < first + size; i++) {
            ResourceKey resource = key(prefix, i);
            Set<ResourceKey> references = i == first ? Set.of() : Set.of(patient);
            Set<String> tokens = Set.of(keys.blindIndex().token("identifier", "urn:bench|" + resource.id()));
            writes.add(new ResourceWrite.Put(resource, OptionalLong.empty(), content(resource),
                    new IndexEntries(tokens, references)));
        }
        return writes;
    }

    private static ResourceKey key(String prefix, int i) {
        return new ResourceKey("Observation", prefix + "-" + i);
    }

    private static byte[] content(ResourceKey key) {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Observation\",\"id\":\"" + key.id()
                + "\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
                + "\"note\":[");
        while (json.length() < 1_000) {
            json.append("{\"text\":\"synthetic ").append(ThreadLocalRandom.current().nextLong()).append("\"},");
        }
        json.setLength(json.length() - 1);
        return json.append("]}").toString().getBytes(UTF_8);
    }

    private static void printLatency(String label, PostgresRecordStore store, List<ResourceKey> keys) {
        long[] micros = new long[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            long started = System.nanoTime();
            store.findCurrent(keys.get(i)).orElseThrow();
            micros[i] = (System.nanoTime() - started) / 1_000;
        }
        Arrays.sort(micros);
        System.out.printf("%s: median %d µs, p99 %d µs (%d reads)%n", label, micros[micros.length / 2],
                micros[micros.length * 99 / 100], micros.length);
    }
}
