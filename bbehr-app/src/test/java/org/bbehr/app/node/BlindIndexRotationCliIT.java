package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.DatabaseRoles;
import org.bbehr.store.postgres.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bbehr keys rotate-index} as an operator runs it, with the packaged {@code bbehr} on an embedded PostgreSQL:
 * through the running node, on the store of a stopped node (refused while a node runs on it), and the node resuming an
 * unfinished rotation by itself.
 */
class BlindIndexRotationCliIT {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final String MRN = "urn:oid:2.999.1.8";

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void rotateIndexShouldGoThroughTheRunningNodeOrTheStoppedNodesStore() throws Exception {
        // given
        Path data = dir.resolve("data");
        Map<String, String> patients;
        String firstKeyset;
        Result throughNode;
        try (NodeProcess node = NodeProcess.serve(dir, "node.log", embedded(data))) {
            patients = writePatients(node, 6);
            firstKeyset = Files.readString(NodeKeys.keysDir(data).resolve(NodeKeys.BLIND_INDEX_FILE));

            // when: the node is asked
            throughNode = bbehr("keys", "rotate-index", "--node", node.management());

            // then
            assertThat(throughNode.exitCode()).as(throughNode.output()).isZero();
            assertThat(throughNode.output()).contains("re-indexes in the background")
                    .contains("re-indexing search tokens: 6 / 6")
                    .contains("blind-index key rotated; 6 resources re-indexed").contains("bbehr keys backup");
            assertEverySearchFinds(node, patients);
        }
        String secondKeyset = Files.readString(NodeKeys.keysDir(data).resolve(NodeKeys.BLIND_INDEX_FILE));

        // when: the node is stopped, the store is rotated directly
        Result offline = bbehr("keys", "rotate-index", "--offline", "--data-dir", data.toString());

        // then
        assertThat(offline.exitCode()).as(offline.output()).isZero();
        assertThat(offline.output()).contains("re-indexing search tokens: 6 / 6")
                .contains("blind-index key rotated; 6 resources re-indexed");
        String thirdKeyset = Files.readString(NodeKeys.keysDir(data).resolve(NodeKeys.BLIND_INDEX_FILE));
        assertThat(List.of(firstKeyset, secondKeyset, thirdKeyset)).doesNotHaveDuplicates();
        assertThat(NodeKeys.load(data).blindIndexKeyCount()).isEqualTo(1);
        try (NodeProcess node = NodeProcess.serve(dir, "after-offline.log", embedded(data))) {
            assertEverySearchFinds(node, patients);
        }
    }

    @Test
    void nodeShouldResumeAnUnfinishedRotationWhenItStarts() throws Exception {
        // given: a rotation that stopped right after it added the new key
        Path data = dir.resolve("data");
        Map<String, String> patients;
        try (NodeProcess node = NodeProcess.serve(dir, "node.log", embedded(data))) {
            patients = writePatients(node, 4);
        }
        NodeKeys.load(data).addBlindIndexPrimary();

        // when
        try (NodeProcess node = NodeProcess.serve(dir, "resumed.log", embedded(data))) {
            // then
            assertEverySearchFinds(node, patients);
            String log = node.awaitOutput("blind-index key rotated", Duration.ofSeconds(60));
            assertThat(log).contains("resuming it in the background");
            assertThat(NodeKeys.load(data).blindIndexKeyCount()).isEqualTo(1);
            assertEverySearchFinds(node, patients);
        }
    }

    @Test
    void offlineRotationShouldBeRefusedWhileANodeRunsOnTheSameExternalDatabase() throws Exception {
        // given: a node on an external PostgreSQL
        Path data = dir.resolve("data");
        try (PostgresServer database = PostgresServer.start(PostgresServer.Options.in(dir.resolve("database")))) {
            // (with the roles a database administrator gives the node and the schema's owner)
            DatabaseRoles.Passwords roles = DatabaseRoles.load(PostgresServer.passwordFile(dir.resolve("database")));
            storeEnvironment.put("BBEHR_STORE_PASSWORD", roles.node().password());
            storeEnvironment.put("BBEHR_STORE_OWNER_PASSWORD", roles.owner().password());
            String[] offline = {"keys", "rotate-index", "--offline", "--data-dir", data.toString(), "--store-url",
                database.jdbcUrl(), "--store-user", DatabaseRoles.NODE, "--store-owner", DatabaseRoles.OWNER};
            Map<String, String> patients;
            try (NodeProcess node = NodeProcess.serve(dir, "node.log", "--bbehr.store.mode=external",
                    "--bbehr.store.url=" + database.jdbcUrl(), "--bbehr.store.username=" + DatabaseRoles.NODE,
                    "--bbehr.store.password=" + roles.node().password(),
                    "--bbehr.store.migration-username=" + DatabaseRoles.OWNER,
                    "--bbehr.store.migration-password=" + roles.owner().password(),
                    "--bbehr.data-dir=" + data)) {
                patients = writePatients(node, 3);
                String keyset = Files.readString(NodeKeys.keysDir(data).resolve(NodeKeys.BLIND_INDEX_FILE));

                // when
                Result refused = bbehr(offline);

                // then: nothing changed under the running node
                assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
                assertThat(refused.output()).contains("bbehr: EHR-5011 bbehr keys rotate-index --offline needs the"
                        + " store to itself");
                assertThat(Files.readString(NodeKeys.keysDir(data).resolve(NodeKeys.BLIND_INDEX_FILE)))
                        .isEqualTo(keyset);
                assertEverySearchFinds(node, patients);
            }

            // when the node has stopped, the same command rotates
            Result rotated = bbehr(offline);
            assertThat(rotated.exitCode()).as(rotated.output()).isZero();
            assertThat(rotated.output()).contains("blind-index key rotated; 3 resources re-indexed");
        }
    }

    @Test
    void rotateIndexWithNoNodeToAskShouldSaySoAndExitWithOne() throws Exception {
        // when
        Result result = bbehr("keys", "rotate-index", "--node", "http://127.0.0.1:" + freePort());

        // then
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("bbehr: EHR-4004 no node answers at").contains("--offline");
    }

    private Map<String, String> writePatients(NodeProcess node, int count) throws Exception {
        Map<String, String> patients = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String family = "Indexrota" + (char) ('a' + i);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/Patient"))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\""
                            + MRN + "\",\"value\":\"IR-" + i + "\"}],\"name\":[{\"family\":\"" + family + "\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Matcher id = ID.matcher(created.body());
            assertThat(id.find()).as(created.body()).isTrue();
            patients.put(id.group(1), family);
        }
        return patients;
    }

    private void assertEverySearchFinds(NodeProcess node, Map<String, String> patients) throws Exception {
        int i = 0;
        for (var patient : patients.entrySet()) {
            assertThat(search(node, "Patient?family=" + patient.getValue().toLowerCase())).contains(patient.getKey());
            assertThat(search(node, "Patient?identifier=" + MRN + "|IR-" + i)).contains(patient.getKey());
            i++;
        }
        String all = search(node, "Patient?name=indexrota");
        patients.keySet().forEach(id -> assertThat(all).contains(id));
    }

    private String search(NodeProcess node, String query) throws Exception {
        int question = query.indexOf('?');
        StringBuilder url = new StringBuilder(node.base() + "/" + query.substring(0, question + 1));
        for (String parameter : query.substring(question + 1).split("&")) {
            int equals = parameter.indexOf('=');
            url.append(parameter, 0, equals + 1)
                    .append(URLEncoder.encode(parameter.substring(equals + 1), StandardCharsets.UTF_8)).append('&');
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String[] embedded(Path data) {
        return new String[] {"--bbehr.store.mode=embedded", "--bbehr.data-dir=" + data};
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    record Result(int exitCode, String output) {}

    /** Environment of the commands this test runs (the external store's passwords). */
    private final Map<String, String> storeEnvironment = new java.util.HashMap<>();

    private Result bbehr(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", System.getProperty("bbehr.jar")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(storeEnvironment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
