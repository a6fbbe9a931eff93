package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.bbehr.app.node.NodeApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Bad input over raw HTTP: always a 4xx with an OperationOutcome, never a 5xx or a stack trace. */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}",
            "bbehr.fhir.max-body-bytes=65536"})
class BadInputIT {

    static final String PATIENT = """
            {"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"FUZZ-1"}],
             "name":[{"family":"Synthetic","given":["Fuzzy"]}],"gender":"other","birthDate":"1990-01-31",
             "telecom":[{"system":"phone","value":"555-0100"}],"active":true,
             "contact":[{"name":{"family":"Synthetic"}}]}""";

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/" + path))
                .header("Accept", "application/fhir+json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertClientError(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
        assertThat(response.body()).contains("\"resourceType\":\"OperationOutcome\"").doesNotContain("\tat ")
                .doesNotContain("Exception:");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', value = {
        "malformed JSON¦POST¦Patient¦application/fhir+json¦{\"resourceType\":\"Patient\",",
        "malformed XML¦POST¦Patient¦application/fhir+xml¦<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/>",
        "unknown element¦POST¦Patient¦application/fhir+json¦{\"resourceType\":\"Patient\",\"favouriteColour\":\"blue\"}",
        "wrong datatype¦POST¦Patient¦application/fhir+json¦{\"resourceType\":\"Patient\",\"active\":\"yes\"}",
        "invalid date¦POST¦Patient¦application/fhir+json¦{\"resourceType\":\"Patient\",\"birthDate\":\"1990-02-31x\"}",
        "code outside a required binding¦POST¦Observation¦application/fhir+json¦{\"resourceType\":\"Observation\",\"status\":\"maybe\",\"code\":{\"text\":\"x\"}}",
        "wrong type for the URL¦POST¦Patient¦application/fhir+json¦{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}",
        "bad reference¦POST¦Condition¦application/fhir+json¦{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"not a reference\"}}",
        "reference to a missing resource¦POST¦Condition¦application/fhir+json¦{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/does-not-exist\"}}",
        "missing required element¦POST¦Observation¦application/fhir+json¦{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"}}",
        "id in the body differs from the URL¦PUT¦Patient/abc¦application/fhir+json¦{\"resourceType\":\"Patient\",\"id\":\"xyz\"}",
        "unknown resource type¦POST¦Patientt¦application/fhir+json¦{\"resourceType\":\"Patient\"}",
        "not a Bundle at the base¦POST¦¦application/fhir+json¦{\"resourceType\":\"Patient\"}",
        "a collection Bundle at the base¦POST¦¦application/fhir+json¦{\"resourceType\":\"Bundle\",\"type\":\"collection\"}",
        "unresolvable urn reference¦POST¦¦application/fhir+json¦{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"urn:uuid:0f0f0f0f-0000-4000-8000-000000000000\"}},\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}}]}",
        "non-numeric version¦GET¦Patient/abc/_history/x¦¦",
        "unsupported conditional criteria¦DELETE¦Patient?name=Synthetic¦¦",
    })
    void badInputShouldGetA4xxWithAnOperationOutcome(String name, String method, String path, String contentType,
            String body) throws Exception {
        assertClientError(send(method, path == null ? "" : path, contentType, body));
    }

    @Test
    void oversizedBodyShouldGet413() throws Exception {
        // given
        String huge = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"" + "x".repeat(70_000) + "\"}]}";
        // when
        HttpResponse<String> response = send("POST", "Patient", "application/fhir+json", huge);
        // then
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("OperationOutcome");
    }

    @Test
    void oversizedBodyWithoutALengthShouldGet413() throws Exception {
        // given: sent chunked, so only reading it shows it is too large
        byte[] huge = ("{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"" + "x".repeat(70_000) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        // when
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/fhir/Patient"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build(),
                HttpResponse.BodyHandlers.ofString());
        // then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("OperationOutcome");
    }

    HttpResponse<String> postEncoded(String encoding, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Patient"))
                .header("Accept", "application/fhir+json").header("Content-Type", "application/fhir+json")
                .header("Content-Encoding", encoding).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void gzipBombShouldGet413AndLeaveTheNodeServing() throws Exception {
        // given: 30 MB of valid JSON (a Patient padded with spaces) that gzip packs well under the 64 kB limit
        byte[] bomb = gzip("{\"resourceType\":\"Patient\"," + " ".repeat(30_000_000) + "\"active\":true}");
        assertThat(bomb.length).isLessThan(65_536);
        // when
        HttpResponse<String> response = postEncoded("gzip", bomb);
        // then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("OperationOutcome");
        assertThat(send("GET", "metadata", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void gzipBodyWithinTheLimitShouldBeStored() throws Exception {
        // when
        HttpResponse<String> response = postEncoded("gzip", gzip(PATIENT));
        // then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.body()).contains("\"family\":\"Synthetic\"");
    }

    @Test
    void bodyDeclaredGzipThatIsNotShouldGet400() throws Exception {
        // when
        HttpResponse<String> response = postEncoded("gzip", PATIENT.getBytes(StandardCharsets.UTF_8));
        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertClientError(response);
        assertThat(response.body()).contains("not valid gzip");
    }

    @Test
    void unsupportedContentEncodingShouldGet415() throws Exception {
        // when
        HttpResponse<String> response = postEncoded("br", PATIENT.getBytes(StandardCharsets.UTF_8));
        // then
        assertThat(response.statusCode()).isEqualTo(415);
        assertClientError(response);
    }

    @Test
    void errorAboutAConditionalEntryShouldNotEchoItsCriteria() throws Exception {
        // given: a conditional update by a patient's identifier, without its resource
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                + "{\"method\":\"PUT\",\"url\":\"Patient?identifier=urn:mrn%7CMRN-SECRET-4711\"}}]}";
        // when
        HttpResponse<String> response = send("POST", "", "application/fhir+json", bundle);
        // then
        assertClientError(response);
        assertThat(response.body()).contains("has no resource").doesNotContain("MRN-SECRET-4711")
                .doesNotContain("identifier=");
    }

    @Test
    void staleIfMatchShouldGet412() throws Exception {
        // given
        HttpResponse<String> created = send("PUT", "Patient/if-match-1", "application/fhir+json",
                "{\"resourceType\":\"Patient\",\"id\":\"if-match-1\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        // when
        HttpResponse<String> conflict = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/fhir/Patient/if-match-1"))
                .header("Content-Type", "application/fhir+json").header("If-Match", "W/\"7\"")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"id\":\"if-match-1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        // then
        assertThat(conflict.statusCode()).isEqualTo(412);
        assertClientError(conflict);
    }

    @Test
    void conditionalCreateShouldAcceptTheAbsoluteUrlFormOfIfNoneExist() throws Exception {
        // given
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"ABS-1\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Patient"))
                .header("Content-Type", "application/fhir+json")
                .header("If-None-Exist", "http://127.0.0.1:" + port + "/fhir/Patient?identifier=urn:mrn%7CABS-1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        // when
        HttpResponse<String> first = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // then
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
    }

    @Test
    void mutatedResourcesShouldNeverGetA5xx() throws Exception {
        // given
        Random random = new Random(20261125);
        String[] replacements = {"", "\"", "{", "}", "[", "]", ",", ":", "null", "true", "0", "-1", "1e999", "\"\"",
            "\"x\"", "\"1990-13-45\"", "{\"reference\":\"#x\"}", "\"Patient/\"", "\\u0000", "\"\\ud800\""};
        // when / then
        for (int i = 0; i < 300; i++) {
            StringBuilder mutated = new StringBuilder(PATIENT);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(mutated.length());
                int end = Math.min(mutated.length(), at + random.nextInt(8));
                mutated.replace(at, end, replacements[random.nextInt(replacements.length)]);
            }
            HttpResponse<String> response = send("POST", "Patient", "application/fhir+json", mutated.toString());
            assertThat(response.statusCode()).as("mutation %d: %s", i, mutated).isLessThan(500);
        }
    }
}
