package org.bbehr.app.keys;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.app.node.NodeApplication;
import org.bbehr.app.node.NodeProperties;
import org.bbehr.app.node.PerimeterFilter;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.Database;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A blind-index key rotation on a running node, started through its endpoint: searches by name prefix, identifier
 * and birth date, and conditional creates, answer the same before, while and after it re-indexes (in small batches
 * with pauses, so that it runs long enough to overlap), and afterwards no token under the old key is left.
 */
@SpringBootTest(classes = NodeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"bbehr.store.mode=embedded", "bbehr.data-dir=target/it-data/${random.uuid}",
            "bbehr.keys.index-rotation.batch-size=2", "bbehr.keys.index-rotation.pause=150ms"})
class BlindIndexRotationIT {

    static final FhirContext CONTEXT = FhirContext.forR4Cached();
    static final String MRN = "urn:oid:2.999.1.7";
    static final int PATIENTS = 40;
    private static final Pattern NUMBER = Pattern.compile("\"(run|done|total)\":(\\d+)");

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    Database database;

    @Autowired
    NodeProperties properties;

    @TempDir
    Path oldKeys;

    final HttpClient http = HttpClient.newHttpClient();

    /** What the searches should find: patient ids by family name, by birth date, by identifier value. */
    final Map<String, String> byFamily = new TreeMap<>();
    final Map<String, Set<String>> byBirthDate = new TreeMap<>();
    final Map<String, String> byMrn = new TreeMap<>();

    IGenericClient client() {
        CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return CONTEXT.newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
    }

    /** A synthetic family name made of letters only, unique to {@code n}: Rotaab, Rotaac, … */
    static String family(int n) {
        return "Rota" + (char) ('a' + n / 26) + (char) ('a' + n % 26);
    }

    static String birthDate(int n) {
        return "1961-02-" + String.format("%02d", n % 5 + 1);
    }

    Patient patient(int n) {
        Patient patient = new Patient();
        patient.addName().setFamily(family(n)).addGiven("Synthetic");
        patient.addIdentifier().setSystem(MRN).setValue("ROT-" + n);
        patient.setBirthDateElement(new DateType(birthDate(n)));
        return patient;
    }

    void remember(int n, String id) {
        byFamily.put(family(n).toLowerCase(), id);
        byMrn.put("ROT-" + n, id);
        byBirthDate.computeIfAbsent(birthDate(n), d -> new TreeSet<>()).add(id);
    }

    List<String> ids(String query) {
        Bundle bundle = client().search().byUrl(query).returnBundle(Bundle.class).execute();
        return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .map(e -> e.getResource().getIdElement().getIdPart()).sorted().toList();
    }

    /** One round of every search and a conditional create of an existing and a new patient. */
    void assertSearchesAnswerRight(int round) {
        assertThat(ids("Patient?name=rota&_count=1000")).containsExactlyElementsOf(new TreeSet<>(byFamily.values()));
        for (int n : new int[] {round % PATIENTS, (round * 7 + 3) % PATIENTS, PATIENTS - 1}) {
            assertThat(ids("Patient?family=" + family(n).toLowerCase())).containsExactly(byMrn.get("ROT-" + n));
            assertThat(ids("Patient?identifier=" + MRN + "|ROT-" + n)).containsExactly(byMrn.get("ROT-" + n));
            assertThat(ids("Patient?identifier=ROT-" + n)).containsExactly(byMrn.get("ROT-" + n));
            MethodOutcome existing = client().create().resource(patient(n))
                    .conditionalByUrl("Patient?identifier=" + MRN + "|ROT-" + n).execute();
            assertThat(existing.getCreated()).as("If-None-Exist found ROT-%d", n).isNotEqualTo(Boolean.TRUE);
            assertThat(existing.getId().getIdPart()).isEqualTo(byMrn.get("ROT-" + n));
        }
        String date = birthDate(round);
        assertThat(ids("Patient?birthdate=" + date + "&_count=1000")).containsExactlyElementsOf(byBirthDate.get(date));
        int late = PATIENTS + round;
        MethodOutcome created = client().create().resource(patient(late))
                .conditionalByUrl("Patient?identifier=" + MRN + "|ROT-" + late).execute();
        assertThat(created.getCreated()).isTrue();
        remember(late, created.getId().getIdPart());
    }

    HttpResponse<String> rotation(String method) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/blind-index-rotation"));
        request = method.equals("POST") ? request.header(PerimeterFilter.MANAGEMENT_HEADER, "test")
                .POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static long number(HttpResponse<String> response, String name) {
        Matcher matcher = NUMBER.matcher(response.body());
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return Long.parseLong(matcher.group(2));
            }
        }
        throw new AssertionError("no " + name + " in " + response.body());
    }

    Set<String> storedTokens() throws Exception {
        Set<String> tokens = new HashSet<>();
        try (Connection c = database.dataSource().getConnection(); Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT token FROM identifier_tokens UNION ALL SELECT token FROM search_blind")) {
            while (rows.next()) {
                tokens.add(rows.getString(1));
            }
        }
        return tokens;
    }

    @Test
    void searchesShouldAnswerTheSameBeforeDuringAndAfterARotation() throws Exception {
        // given
        for (int n = 0; n < PATIENTS; n++) {
            remember(n, client().create().resource(patient(n)).execute().getId().getIdPart());
        }
        assertSearchesAnswerRight(0);
        Path keysDir = NodeKeys.keysDir(properties.dataDir());
        Files.createDirectories(NodeKeys.keysDir(oldKeys));
        for (String file : new String[] {NodeKeys.KEK_FILE, NodeKeys.BLIND_INDEX_FILE}) {
            Files.copy(keysDir.resolve(file), NodeKeys.keysDir(oldKeys).resolve(file));
        }
        String oldMrnToken = NodeKeys.load(oldKeys).blindIndex().token("identifier", MRN + "|ROT-3");
        Set<String> before = storedTokens();

        // when
        HttpResponse<String> started = rotation("POST");
        HttpResponse<String> again = rotation("POST");
        int roundsWhileRunning = 0;
        int round = 1;
        while (rotation("GET").body().contains("\"state\":\"running\"")) {
            assertSearchesAnswerRight(round++);
            if (rotation("GET").body().contains("\"state\":\"running\"")) {
                roundsWhileRunning++;
            }
        }
        HttpResponse<String> finished = rotation("GET");

        // then
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(started.body()).contains("\"state\":\"running\"");
        assertThat(again.statusCode()).as("a second start while it runs starts nothing").isEqualTo(200);
        assertThat(number(again, "run")).isEqualTo(number(started, "run"));
        assertThat(roundsWhileRunning).as("searches ran while the rotation re-indexed").isPositive();
        assertThat(finished.body()).contains("\"state\":\"finished\"").doesNotContain("error");
        assertThat(number(finished, "done")).isEqualTo(number(finished, "total")).isGreaterThanOrEqualTo(PATIENTS);
        assertSearchesAnswerRight(round);
        assertThat(before).contains(oldMrnToken);
        assertThat(storedTokens()).doesNotContainAnyElementsOf(before);
        assertThat(NodeKeys.load(properties.dataDir()).blindIndexKeyCount()).isEqualTo(1);
        assertThat(Files.readString(keysDir.resolve(NodeKeys.BLIND_INDEX_FILE)))
                .isNotEqualTo(Files.readString(NodeKeys.keysDir(oldKeys).resolve(NodeKeys.BLIND_INDEX_FILE)));
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("bbehr_blind_index_rotation_done " + number(finished, "done") + ".0")
                .contains("bbehr_blind_index_rotation_running 0.0");
    }
}
