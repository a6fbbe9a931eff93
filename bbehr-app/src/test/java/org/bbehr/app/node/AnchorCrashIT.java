package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.ledger.DeploymentFile;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.store.postgres.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bbehr dev} killed with -9 while writes stream in and batches are being anchored (small batches, so one is
 * nearly always in flight): after a restart every acknowledged write is readable and anchored, and no version is in
 * two anchored roots. {@code bbehr verify} then agrees, and names a version tampered with while the node is down.
 */
class AnchorCrashIT {

    private static final Pattern LOCATION = Pattern.compile("Patient/([^/]+)/_history/1");
    private static final Pattern CHAIN = Pattern.compile("chain \\(JSON-RPC\\)\\s+(\\S+)");
    private static final Map<String, String> SMALL_BATCHES = Map.of(
            "BBEHR_ANCHORING_MAX_BATCH", "5", "BBEHR_ANCHORING_MAX_DELAY", "100ms");

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyAcknowledgedWriteShouldBeAnchoredOnceAfterAKillMinusNine() throws Exception {
        // given
        Path data = dir.resolve("data");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (NodeProcess node = NodeProcess.start("dev", dir, "first.log", SMALL_BATCHES, "--no-demo", "--data-dir",
                data.toString())) {
            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService writers = Executors.newFixedThreadPool(3);
            for (int w = 0; w < 3; w++) {
                writers.submit(() -> write(node.base(), writing, acknowledged));
            }
            // writes keep going while the node is killed, once some are acknowledged (however slow the machine)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acknowledged.size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // when
            node.kill();
            writing.set(false);
            writers.shutdown();
            writers.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).hasSizeGreaterThan(20);
        String rpcUrl;
        try (NodeProcess restarted = NodeProcess.start("dev", dir, "second.log", "--no-demo", "--data-dir", data.toString())) {
            Matcher chain = CHAIN.matcher(restarted.awaitOutput("Press Ctrl-C to stop."));
            assertThat(chain.find()).isTrue();
            rpcUrl = chain.group(1);
            // then
            String report = awaitNothingPending(restarted.base());
            assertThat(report).contains("\"name\":\"tampered\",\"valueInteger\":0");
            for (String id : acknowledged) {
                assertThat(get(restarted.base() + "/Patient/" + id).statusCode()).as("Patient/%s", id).isEqualTo(200);
            }
            long versions = count(report, "verified");
            assertThat(versions).isGreaterThanOrEqualTo(acknowledged.size());
            assertThat(leavesAnchored(rpcUrl, data)).isEqualTo(versions);
        }
        // and the command line agrees, then names a version tampered with while the node is down
        Result clean = bbehr("verify", "--data-dir", data.toString());
        assertThat(clean.exitCode()).as(clean.output()).isZero();
        assertThat(clean.output()).contains("0 tampered");
        String victim = acknowledged.iterator().next();
        try (PostgresServer database = PostgresServer.start(PostgresServer.Options.in(data));
                Connection c = database.dataSource().getConnection(); Statement statement = c.createStatement()) {
            statement.executeUpdate("UPDATE versions SET ciphertext = set_byte(ciphertext, 50, get_byte(ciphertext,"
                    + " 50) # 1) WHERE type = 'Patient' AND id = '" + victim + "'");
        }
        Result tampered = bbehr("verify", "--data-dir", data.toString());
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.output()).contains("tampered  Patient/" + victim + "/_history/1  content changed",
                "1 tampered", "bbehr: EHR-5200");
    }

    /** Leaves anchored by the dev hospital's roots, from the chain's events. */
    private static long leavesAnchored(String rpcUrl, Path data) {
        var deployment = DeploymentFile.read(data.resolve("chain").resolve("deployment.json"));
        try (Web3jLedger reader = Web3jLedger.connect(LedgerConfig.defaults(rpcUrl), DevAccounts.account(9),
                deployment)) {
            return reader.readEvents(deployment.deployBlock(), reader.blockNumber()).stream()
                    .filter(e -> e instanceof LedgerEvent.RootAnchored)
                    .mapToLong(e -> ((LedgerEvent.RootAnchored) e).leafCount()).sum();
        }
    }

    private String awaitNothingPending(String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            String report = get(base + "/$verify").body();
            if (report.contains("\"name\":\"pending\",\"valueInteger\":0")) {
                return report;
            }
            assertThat(System.nanoTime()).as("everything anchored in time: %s", report).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static long count(String report, String status) {
        Matcher matcher = Pattern.compile("\"name\":\"" + status + "\",\"valueInteger\":(\\d+)").matcher(report);
        assertThat(matcher.find()).as(report).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private void write(String base, AtomicBoolean writing, Set<String> acknowledged) {
        while (writing.get()) {
            String body = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Anchorcrash\"}]}";
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                Matcher location = LOCATION.matcher(response.headers().firstValue("Location").orElse(""));
                if (response.statusCode() == 201 && location.find()) {
                    acknowledged.add(location.group(1));
                }
            } catch (Exception connectionLost) {
                return;
            }
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    record Result(int exitCode, String output) {}

    private Result bbehr(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dbbehr.home=" + System.getProperty("bbehr.home"), "-jar", System.getProperty("bbehr.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
