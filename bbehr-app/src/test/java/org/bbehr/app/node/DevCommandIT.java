package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bbehr dev}: chain, embedded store and a registered hospital node, kept across a restart. */
class DevCommandIT {

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void devShouldRunARegisteredNodeAndKeepItsDataAcrossARestart() throws Exception {
        // given
        Path data = dir.resolve("data");
        String id;
        try (NodeProcess dev = NodeProcess.start("dev", dir, "first.log", "--data-dir", data.toString())) {
            // when
            HttpResponse<String> readiness = get(dev.root() + "/actuator/health/readiness");
            HttpResponse<String> health = get(dev.root() + "/actuator/health");
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(dev.base() + "/Patient"))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Devcheck\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // then
            assertThat(readiness.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"chain\":{\"status\":\"UP\"", "\"hospitalId\":1",
                    "\"db\":{\"status\":\"UP\"");
            assertThat(dev.awaitOutput("Press Ctrl-C to stop.")).contains("BbEHR is ready", "/fhir", "hospital #1");
            assertThat(created.statusCode()).isEqualTo(201);
            Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
            assertThat(matcher.find()).isTrue();
            id = matcher.group(1);
            assertThat(get(dev.root() + "/actuator/prometheus").body())
                    .contains("bbehr_fhir_requests_seconds_count{interaction=\"create\",status=\"2xx\",type=\"Patient\"}");
        }
        // when
        try (NodeProcess again = NodeProcess.start("dev", dir, "second.log", "--data-dir", data.toString())) {
            // then
            HttpResponse<String> read = get(again.base() + "/Patient/" + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("Devcheck");
            assertThat(again.awaitOutput("Press Ctrl-C to stop.")).contains("hospital #1");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
