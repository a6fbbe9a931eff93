package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record keys' life as an operator lives it, with the packaged {@code bbehr} on an embedded PostgreSQL:
 * backup, loss, restore, rotation, erasure and legal hold.
 */
class RecordKeysCliIT {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void backupWipeRestoreAndRotationShouldKeepEveryRecordReadable() throws Exception {
        // given
        Path data = dir.resolve("data");
        Path passphrase = Files.writeString(dir.resolve("passphrase"), "synthetic backup passphrase");
        Map<String, String> patients = writePatients(data, 12);
        // when: the keys are backed up, then lost, then restored
        assertThat(bbehr("keys", "backup", "--data-dir", data.toString(), "--out", dir.resolve("keys.backup").toString(),
                "--passphrase-file", passphrase.toString()).exitCode()).isZero();
        deleteRecursively(data.resolve("keys"));
        Result restored = bbehr("keys", "restore", "--data-dir", data.toString(), "--from",
                dir.resolve("keys.backup").toString(), "--passphrase-file", passphrase.toString());
        // then
        assertThat(restored.exitCode()).as(restored.output()).isZero();
        assertEveryPatientReads(data, patients);
        // when: the key-encryption key is rotated
        Result rotated = bbehr("keys", "rotate-kek", "--data-dir", data.toString());
        // then
        assertThat(rotated.exitCode()).as(rotated.output()).isZero();
        assertThat(rotated.output()).contains("re-wrapping data keys: 12 / 12").contains("12 data keys re-wrapped");
        assertEveryPatientReads(data, patients);
    }

    @Test
    void eraseShouldMakeAResourceUnreadableUnlessItIsUnderLegalHold() throws Exception {
        // given
        Path data = dir.resolve("data");
        Map<String, String> patients = writePatients(data, 2);
        List<String> ids = new ArrayList<>(patients.keySet());
        // when
        assertThat(bbehr("legal-hold", "Patient/" + ids.get(0), "--on", "--data-dir", data.toString()).exitCode()).isZero();
        Result refused = bbehr("erase", "Patient/" + ids.get(0), "--reason", "patient request", "--data-dir",
                data.toString());
        Result erased = bbehr("erase", "Patient/" + ids.get(1), "--reason", "patient request", "--data-dir",
                data.toString());
        Result withoutReason = bbehr("erase", "Patient/" + ids.get(1), "--data-dir", data.toString());
        // then
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output()).contains("EHR-5005");
        assertThat(erased.exitCode()).as(erased.output()).isZero();
        assertThat(withoutReason.exitCode()).isEqualTo(2);
        try (NodeProcess node = NodeProcess.serve(dir, "after-erase.log", embedded(data))) {
            assertThat(get(node, "Patient/" + ids.get(0)).statusCode()).isEqualTo(200);
            HttpResponse<String> gone = get(node, "Patient/" + ids.get(1));
            assertThat(gone.statusCode()).isEqualTo(410);
            assertThat(gone.body()).contains("OperationOutcome").doesNotContain(patients.get(ids.get(1)));
        }
    }

    @Test
    void keysGivenByConfigurationShouldReadTheRecordsTheDataDirectoryKeysWrote() throws Exception {
        // given
        Path data = dir.resolve("data");
        Map<String, String> patients = writePatients(data, 3);
        String kek = base64Of(data.resolve("keys/kek.json"));
        String blindIndex = base64Of(data.resolve("keys/blind-index.json"));
        deleteRecursively(data.resolve("keys"));
        // when
        try (NodeProcess node = NodeProcess.serve(dir, "configured-keys.log", "--bbehr.store.mode=embedded",
                "--bbehr.data-dir=" + data, "--bbehr.keys.kek=" + kek, "--bbehr.keys.blind-index=" + blindIndex)) {
            // then
            for (var patient : patients.entrySet()) {
                HttpResponse<String> read = get(node, "Patient/" + patient.getKey());
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(read.body()).contains(patient.getValue());
            }
        }
        assertThat(data.resolve("keys/kek.json")).doesNotExist();
    }

    private static String base64Of(Path file) throws Exception {
        return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }

    private Map<String, String> writePatients(Path data, int count) throws Exception {
        Map<String, String> patients = new LinkedHashMap<>();
        try (NodeProcess node = NodeProcess.serve(dir, "write.log", embedded(data))) {
            for (int i = 0; i < count; i++) {
                String family = "Keytest" + i;
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
                                + family + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
                Matcher id = ID.matcher(created.body());
                assertThat(id.find()).isTrue();
                patients.put(id.group(1), family);
            }
        }
        return patients;
    }

    private void assertEveryPatientReads(Path data, Map<String, String> patients) throws Exception {
        try (NodeProcess node = NodeProcess.serve(dir, "read.log", embedded(data))) {
            for (var patient : patients.entrySet()) {
                HttpResponse<String> read = get(node, "Patient/" + patient.getKey());
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(read.body()).contains(patient.getValue());
            }
        }
    }

    private HttpResponse<String> get(NodeProcess node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.base() + "/" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String[] embedded(Path data) {
        return new String[] {"--bbehr.store.mode=embedded", "--bbehr.data-dir=" + data};
    }

    record Result(int exitCode, String output) {}

    private Result bbehr(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", System.getProperty("bbehr.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static void deleteRecursively(Path path) throws Exception {
        try (var files = Files.walk(path)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
