package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node on its embedded PostgreSQL killed with -9 in the middle of a stream of writes loses nothing it acknowledged. */
class NodeCrashIT {

    private static final Pattern LOCATION = Pattern.compile("Patient/([^/]+)/_history/1");

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyAcknowledgedWriteShouldSurviveAKillMinusNine() throws Exception {
        // given
        Path data = dir.resolve("data");
        String[] args = {"--bbehr.store.mode=embedded", "--bbehr.data-dir=" + data};
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<String> logs = new ArrayList<>();
        try (NodeProcess node = NodeProcess.serve(dir, "first.log", args)) {
            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService writers = Executors.newFixedThreadPool(3);
            for (int w = 0; w < 3; w++) {
                int writer = w;
                writers.submit(() -> write(node.base(), writer, writing, acknowledged));
            }
            // writes keep going while the node is killed, once some are acknowledged (however slow the machine)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acknowledged.size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // when: the node dies hard while writes are in flight
            node.kill();
            writing.set(false);
            writers.shutdown();
            writers.awaitTermination(30, TimeUnit.SECONDS);
            logs.add(node.output());
        }
        assertThat(acknowledged).hasSizeGreaterThan(20);
        // then
        try (NodeProcess restarted = NodeProcess.serve(dir, "second.log", args)) {
            for (var entry : acknowledged.entrySet()) {
                HttpResponse<String> read = http.send(HttpRequest.newBuilder(
                        URI.create(restarted.base() + "/Patient/" + entry.getKey())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(read.statusCode()).as("Patient/%s", entry.getKey()).isEqualTo(200);
                assertThat(read.body()).contains(entry.getValue());
            }
            HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(restarted.base()
                    + "/Patient?identifier=urn:mrn%7CMRN-CRASH-0-0")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(search.statusCode()).isEqualTo(200);
            logs.add(restarted.output());
        }
        // and no log line holds a patient's name or identifier, not even the searched one
        for (String log : logs) {
            assertThat(log).doesNotContain("Crashtest").doesNotContain("MRN-CRASH-");
        }
    }

    private void write(String base, int writer, AtomicBoolean writing, Map<String, String> acknowledged) {
        for (int i = 0; writing.get() && i < 100_000; i++) {
            String family = "Crashtest" + writer + "x" + i;
            String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"MRN-CRASH-"
                    + writer + "-" + i + "\"}],\"name\":[{\"family\":\"" + family + "\"}]}";
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                Matcher location = LOCATION.matcher(response.headers().firstValue("Location").orElse(""));
                if (response.statusCode() == 201 && location.find()) {
                    acknowledged.put(location.group(1), family);
                }
            } catch (Exception connectionLost) {
                return;
            }
        }
    }
}
