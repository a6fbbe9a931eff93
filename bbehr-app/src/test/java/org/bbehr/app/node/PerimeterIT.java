package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The perimeter as an attacker's web page meets it, over raw HTTP/1.1 so that every header (Host included) is the
 * one a browser would send: a rebound host name, a cross-site post, a management call without its header; and the
 * management endpoints on their own port.
 */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}",
            "bbehr.http.allowed-hosts=ehr.hospital.example"})
class PerimeterIT {

    static final String PATIENT = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\","
            + "\"value\":\"%s\"}],\"name\":[{\"family\":\"Synthetic\",\"given\":[\"Perimeter\"]}]}";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    record Answer(int status, String body) {}

    /** Sends one request with exactly these headers (plus Content-Length and Connection: close). */
    Answer send(String method, String path, Map<String, String> headers, String body) throws IOException {
        return send(port, method, path, headers, body);
    }

    Answer manage(String method, String path, Map<String, String> headers, String body) throws IOException {
        return send(managementPort, method, path, headers, body);
    }

    Answer send(int to, String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", to)) {
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Content-Length: ").append(content.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int start = response.indexOf("\r\n\r\n");
            return new Answer(status, start < 0 ? "" : response.substring(start + 4));
        }
    }

    Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    String local() {
        return "127.0.0.1:" + port;
    }

    String localManagement() {
        return "127.0.0.1:" + managementPort;
    }

    boolean stored(String mrn) throws IOException {
        Answer search = send("GET", "/fhir/Patient?identifier=urn:mrn%7C" + mrn, headers("Host", local()), null);
        assertThat(search.status()).isEqualTo(200);
        return search.body().contains("\"fullUrl\"");
    }

    @Test
    void reboundHostNameShouldGet421() throws IOException {
        // when: a page on attacker.example whose name now resolves to the node's address
        Answer answer = send("GET", "/fhir/Patient", headers("Host", "attacker.example:" + port), null);
        // then
        assertThat(answer.status()).isEqualTo(421);
        assertThat(answer.body()).contains("OperationOutcome").doesNotContain("\"entry\"");
    }

    @Test
    void reboundHostNameShouldNotReachManagementEither() throws IOException {
        // when
        Answer answer = manage("GET", "/actuator/health", headers("Host", "attacker.example:" + managementPort), null);
        // then
        assertThat(answer.status()).isEqualTo(421);
        assertThat(answer.body()).doesNotContain("\"components\"");
    }

    @Test
    void healthDetailsShouldBeOnTheManagementPortOnly() throws IOException {
        // when
        Answer onFhirPort = send("GET", "/actuator/health", headers("Host", local()), null);
        Answer readiness = send("GET", "/readyz", headers("Host", local()), null);
        Answer onManagementPort = manage("GET", "/actuator/health", headers("Host", localManagement()), null);
        // then
        assertThat(onFhirPort.status()).isEqualTo(404);
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body()).contains("UP").doesNotContain("\"components\"").doesNotContain("\"db\"");
        assertThat(onManagementPort.status()).isEqualTo(200);
        assertThat(onManagementPort.body()).contains("\"db\"");
    }

    @Test
    void metricsAndRotationShouldNotBeOnTheFhirPort() throws IOException {
        assertThat(send("GET", "/actuator/prometheus", headers("Host", local()), null).status()).isEqualTo(404);
        assertThat(send("POST", "/actuator/blind-index-rotation", headers("Host", local(),
                PerimeterFilter.MANAGEMENT_HEADER, "test"), "").status()).isEqualTo(404);
    }

    @Test
    void loopbackAndConfiguredHostNamesShouldBeServed() throws IOException {
        for (String host : new String[] {local(), "localhost:" + port, "[::1]:" + port, "EHR.Hospital.Example",
                "ehr.hospital.example.:" + port}) {
            assertThat(send("GET", "/fhir/metadata", headers("Host", host), null).status()).as(host).isEqualTo(200);
        }
    }

    @Test
    void crossSiteFormPostShouldGet403AndStoreNothing() throws IOException {
        // when: a form on another site posts a Patient as text/plain (no CORS preflight)
        Answer answer = send("POST", "/fhir/Patient", headers("Host", local(), "Content-Type", "text/plain",
                "Origin", "https://attacker.example", "Sec-Fetch-Site", "cross-site"), PATIENT.formatted("XS-1"));
        // then
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("OperationOutcome");
        assertThat(stored("XS-1")).isFalse();
    }

    @Test
    void foreignOriginWithoutFetchMetadataShouldGet403() throws IOException {
        // when: an older browser sends the Origin only
        Answer answer = send("POST", "/fhir/Patient", headers("Host", local(), "Content-Type",
                "application/fhir+json", "Origin", "http://attacker.example"), PATIENT.formatted("XS-2"));
        // then
        assertThat(answer.status()).isEqualTo(403);
        assertThat(stored("XS-2")).isFalse();
    }

    @Test
    void crossSiteVerifyShouldGet403() throws IOException {
        // when: another site's page asks the node to decrypt every record
        Answer answer = send("POST", "/fhir/$verify", headers("Host", local(), "Sec-Fetch-Site", "cross-site"), "");
        // then
        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void sameOriginPostShouldBeServed() throws IOException {
        // when: the node's own page posts
        Answer answer = send("POST", "/fhir/Patient", headers("Host", local(), "Content-Type",
                "application/fhir+json", "Origin", "http://" + local(), "Sec-Fetch-Site", "same-origin"),
                PATIENT.formatted("SO-1"));
        // then
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(stored("SO-1")).isTrue();
    }

    @Test
    void managementPostWithoutItsHeaderShouldGet403() throws IOException {
        // given
        String before = rotationRun();
        // when: a rotation started without the management header, as a cross-site form would
        Answer refused = manage("POST", "/actuator/blind-index-rotation", headers("Host", localManagement()), "");
        // then
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains(PerimeterFilter.MANAGEMENT_HEADER);
        assertThat(rotationRun()).isEqualTo(before);
    }

    /** The number of the latest blind-index rotation run, as the node reports it. */
    String rotationRun() throws IOException {
        Answer status = manage("GET", "/actuator/blind-index-rotation", headers("Host", localManagement()), null);
        assertThat(status.status()).isEqualTo(200);
        Matcher run = Pattern.compile("\"run\":(\\w+)").matcher(status.body());
        assertThat(run.find()).as(status.body()).isTrue();
        return run.group(1);
    }

    @Test
    void managementPostWithItsHeaderShouldBeServed() throws IOException {
        // when
        Answer started = manage("POST", "/actuator/blind-index-rotation", headers("Host", localManagement(),
                PerimeterFilter.MANAGEMENT_HEADER, "test"), "");
        // then
        assertThat(started.status()).as(started.body()).isBetween(200, 202);
        assertThat(started.body()).contains("\"state\"");
    }
}
