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

    @Test
    void aNodeWithItsKekInAnHsmShouldServeAndItsMaintenanceCommandsNeedTheToken() throws Exception {
        // given: a SoftHSM2 token (the build points SOFTHSM2_CONF into its own directory)
        Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
        Files.createDirectories(conf.getParent().resolve("tokens"));
        Files.writeString(conf, "directories.tokendir = " + conf.getParent().resolve("tokens")
                + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        String label = "cli-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--pin",
                "synthetic-pin", "--so-pin", "synthetic-so-pin").redirectErrorStream(true).start();
        String initOutput = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0).as(initOutput).isTrue();
        Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(initOutput);
        assertThat(slot.find()).as(initOutput).isTrue();
        Path config = Files.write(dir.resolve("pkcs11.cfg"), List.of("name = " + label,
                "library = /usr/lib/softhsm/libsofthsm2.so", "slot = " + slot.group(1)));
        Path pin = Files.writeString(dir.resolve("pin"), "synthetic-pin\n");
        Path data = dir.resolve("data");
        String id;
        // when: a node runs with its KEK in the token
        try (NodeProcess node = NodeProcess.serve(dir, "hsm.log", "--bbehr.store.mode=embedded",
                "--bbehr.data-dir=" + data, "--bbehr.keys.pkcs11.config=" + config,
                "--bbehr.keys.pkcs11.pin-file=" + pin)) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/Patient"))
                    .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Hsmtest\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher found = ID.matcher(created.body());
            assertThat(found.find()).as(created.body()).isTrue();
            id = found.group(1);
            assertThat(get(node, "Patient/" + id).body()).contains("Hsmtest");
        }
        // then: no KEK on disk; a maintenance command works with the token and says what is missing without it
        assertThat(data.resolve("keys/kek.json")).doesNotExist();
        storeEnvironment.put("BBEHR_PKCS11_PIN", "synthetic-pin");
        Result held = bbehr("legal-hold", "Patient/" + id, "--on", "--data-dir", data.toString(), "--kek-pkcs11",
                config.toString());
        assertThat(held.exitCode()).as(held.output()).isZero();
        Result withoutToken = bbehr("legal-hold", "Patient/" + id, "--off", "--data-dir", data.toString());
        assertThat(withoutToken.exitCode()).isEqualTo(1);
        assertThat(withoutToken.output()).contains("EHR-3010");
        storeEnvironment.put("BBEHR_PKCS11_PIN", "not-the-pin");
        Result wrongPin = bbehr("legal-hold", "Patient/" + id, "--off", "--data-dir", data.toString(), "--kek-pkcs11",
                config.toString());
        assertThat(wrongPin.exitCode()).isEqualTo(1);
        assertThat(wrongPin.output()).contains("EHR-3010").contains("PKCS#11");
    }

    /** Environment of the commands this test runs. */
    private final Map<String, String> storeEnvironment = new java.util.HashMap<>();

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
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(storeEnvironment);
        Process process = builder.start();
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
