package org.bbehr.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * One closed-loop load run: N client threads, each with its own HTTP/1.1 connection, send requests back to back for
 * a fixed time (and at most a fixed count), each recording its latencies in its own array.
 */
final class LoadRun {

    /** What a run measured. Latencies cover every request, failed ones included. */
    record Figure(String name, int clients, long requests, long failures, Map<Integer, Long> failureStatuses,
            String firstFailure, long elapsedNanos, int unitsPerRequest, double p50Millis, double p99Millis,
            double serverCpuSeconds, double driverCpuSeconds) {

        /** Successful requests × units per request, per second. */
        double unitsPerSecond() {
            return (requests - failures) * unitsPerRequest / seconds();
        }

        double seconds() {
            return elapsedNanos / 1e9;
        }

        /** Server CPU as a share of the machine's cores over the run. */
        double serverCpuShare(int cores) {
            return serverCpuSeconds / (seconds() * cores);
        }

        double driverCpuShare(int cores) {
            return driverCpuSeconds / (seconds() * cores);
        }
    }

    /** A client thread's connection and generator. */
    static final class Client implements AutoCloseable {
        final HttpClient http;
        final String base;
        final SyntheticRecords records;
        final SplittableRandom random;

        /** @param base the FHIR base URL without a trailing slash */
        Client(String base) {
            // A direct executor: the client's work runs on the calling and selector threads, without hand-offs to a
            // pool; on a machine the server shares, that roughly halves the load generator's CPU per request.
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).executor(Runnable::run).build();
            this.base = base;
            this.records = new SyntheticRecords(split());
            this.random = split();
        }

        /**
         * A generator of its own, split from one shared root. (Generators seeded with s, s + c, s + 2c, … would
         * repeat each other's sequences when c is SplittableRandom's own increment, as 0x9E3779B97F4A7C15 is.)
         */
        private static SplittableRandom split() {
            synchronized (ROOT) {
                return ROOT.split();
            }
        }

        /** POSTs to the base followed by {@code path} ("" for the base itself, else "/Type"). */
        HttpResponse<String> post(String path, String json, String... headers)
                throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        @Override
        public void close() {
            http.close();
        }
    }

    /** One request and the check of its response. */
    @FunctionalInterface
    interface Call {
        Reply send(Client client) throws IOException, InterruptedException;
    }

    /** A request's outcome: whether it did what it should, its status, and a body to show if it did not. */
    record Reply(boolean ok, int status, String body) {
        static Reply of(HttpResponse<?> response, int expected) {
            boolean ok = response.statusCode() == expected;
            Object body = response.body();
            String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                    : String.valueOf(body);
            return new Reply(ok, response.statusCode(), ok ? "" : text);
        }
    }

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** A bound on every run's request count, whatever its duration. */
    private static final int MAX_REQUESTS_PER_CLIENT = 500_000;

    private static final SplittableRandom ROOT = new SplittableRandom();

    private LoadRun() {}

    /** Runs {@code call} from {@code clients} threads for {@code duration}. */
    static Figure run(String name, ServerProcess server, int clients, Duration duration, int unitsPerRequest,
            Call call) {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        long[] failures = new long[clients];
        Throwable[] crashes = new Throwable[clients];
        Map<Integer, Long> failureStatuses = new TreeMap<>();
        String[] firstFailure = {null};
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        List<Client> connections = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            connections.add(new Client(server.base()));
        }
        for (int c = 0; c < clients; c++) {
            int index = c;
            Client client = connections.get(c);
            threads.add(Thread.ofPlatform().name("load-" + name + "-" + c).start(() -> {
                long[] mine = new long[Math.min(MAX_REQUESTS_PER_CLIENT, 1 << 16)];
                int n = 0;
                ready.countDown();
                try {
                    go.await();
                    while (n < MAX_REQUESTS_PER_CLIENT && System.nanoTime() < deadline[0]) {
                        long start = System.nanoTime();
                        Reply reply;
                        try {
                            reply = call.send(client);
                        } catch (IOException e) {
                            reply = new Reply(false, 0, e.toString());
                            if (!server.alive()) {
                                break;
                            }
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, Math.min(MAX_REQUESTS_PER_CLIENT, n * 2));
                        }
                        mine[n++] = System.nanoTime() - start;
                        if (!reply.ok()) {
                            failures[index]++;
                            synchronized (failureStatuses) {
                                failureStatuses.merge(reply.status(), 1L, Long::sum);
                                if (firstFailure[0] == null) {
                                    firstFailure[0] = reply.status() + " " + abbreviate(reply.body());
                                }
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    crashes[index] = e;
                } finally {
                    latencies[index] = mine;
                    counts[index] = n;
                }
            }));
        }
        try {
            ready.await();
            double serverCpuBefore = server.cpuSeconds();
            long driverCpuBefore = driverCpuNanos();
            long started = System.nanoTime();
            deadline[0] = started + duration.toNanos();
            go.countDown();
            for (Thread thread : threads) {
                thread.join(duration.plus(REQUEST_TIMEOUT).plusSeconds(10).toMillis());
                if (thread.isAlive()) {
                    throw new IllegalStateException(thread.getName() + " did not finish");
                }
            }
            long elapsed = System.nanoTime() - started;
            for (Throwable crash : crashes) {
                if (crash != null) {
                    throw new IllegalStateException("a client of " + name + " failed", crash);
                }
            }
            server.requireAlive(name);
            double serverCpu = server.cpuSeconds() - serverCpuBefore;
            double driverCpu = (driverCpuNanos() - driverCpuBefore) / 1e9;
            long total = 0;
            for (int count : counts) {
                total += count;
            }
            long[] all = new long[(int) total];
            int at = 0;
            for (int c = 0; c < clients; c++) {
                System.arraycopy(latencies[c], 0, all, at, counts[c]);
                at += counts[c];
            }
            Arrays.sort(all);
            long failed = Arrays.stream(failures).sum();
            return new Figure(name, clients, total, failed, Collections.unmodifiableMap(new TreeMap<>(failureStatuses)), firstFailure[0], elapsed,
                    unitsPerRequest, percentileMillis(all, 0.50), percentileMillis(all, 0.99), serverCpu, driverCpu);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + name, e);
        } finally {
            threads.forEach(Thread::interrupt);
            connections.forEach(Client::close);
        }
    }

    /** Nearest-rank percentile of sorted nanosecond latencies, in milliseconds. */
    static double percentileMillis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static long driverCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
