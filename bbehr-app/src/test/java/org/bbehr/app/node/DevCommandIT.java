package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bbehr dev}: chain, embedded store, a registered hospital node and demo patients loaded on the first start,
 * all kept across a restart, which loads no demo patients again.
 */
class DevCommandIT {

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void devShouldRunARegisteredNodeAndKeepItsDataAcrossARestart() throws Exception {
        // given
        Path data = dir.resolve("data");
        Path cache = dir.resolve("cache");
        String id;
        int demoPatients;
        try (NodeProcess dev = NodeProcess.start("dev", dir, "first.log", "--data-dir", data.toString(),
                "--demo-patients", "1", "--demo-cache", cache.toString())) {
            // when: the first start generates and loads the demo patients before it is ready
            String firstOutput = dev.awaitOutput("Press Ctrl-C to stop.", Duration.ofMinutes(5));
            demoPatients = patientBundles(cache);
            // then
            assertThat(demoPatients).isPositive();
            assertThat(firstOutput).contains("Demo data loaded: " + demoPatients + " patients",
                    "demo data          " + demoPatients + " patients").doesNotContain("EHR-70");
            assertThat(patients(dev)).isEqualTo(demoPatients);
            // when
            HttpResponse<String> readiness = get(dev.root() + "/readyz");
            HttpResponse<String> health = get(dev.management() + "/actuator/health");
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(dev.base() + "/Patient"))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Devcheck\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // then
            assertThat(readiness.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"chain\":{\"status\":\"UP\"", "\"hospitalId\":1",
                    "\"db\":{\"status\":\"UP\"");
            assertThat(dev.awaitOutput("Press Ctrl-C to stop.")).contains("BbEHR is ready", "/fhir", "hospital #1",
                    dev.management() + "/actuator/health");
            assertThat(created.statusCode()).isEqualTo(201);
            Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
            assertThat(matcher.find()).isTrue();
            id = matcher.group(1);
            assertThat(get(dev.management() + "/actuator/prometheus").body())
                    .contains("bbehr_fhir_requests_seconds_count{interaction=\"create\",status=\"2xx\",type=\"Patient\"}");
        }
        // when
        try (NodeProcess again = NodeProcess.start("dev", dir, "second.log", "--data-dir", data.toString(),
                "--demo-patients", "1", "--demo-cache", cache.toString())) {
            // then: the data is kept and the demo patients are not loaded again
            HttpResponse<String> read = get(again.base() + "/Patient/" + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("Devcheck");
            assertThat(again.awaitOutput("Press Ctrl-C to stop.")).contains("hospital #1")
                    .contains("demo data          " + demoPatients + " patients").contains("(loaded on first start)")
                    .doesNotContain("Demo data loaded");
            assertThat(patients(again)).isEqualTo(demoPatients + 1);
        }
    }

    /** The patients' Bundles the generator wrote (besides the hospital and practitioner Bundles). */
    private static int patientBundles(Path cache) throws Exception {
        try (Stream<Path> files = Files.list(cache.resolve("synthea-p1-s1").resolve("fhir"))) {
            return (int) files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".json") && !name.contains("Information")).count();
        }
    }

    /** Patients on the node: the versions in the Patient type history (each created once). */
    private int patients(NodeProcess node) throws Exception {
        HttpResponse<String> history = get(node.base() + "/Patient/_history?_count=500");
        assertThat(history.statusCode()).isEqualTo(200);
        return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, history.body()).getEntry().size();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
