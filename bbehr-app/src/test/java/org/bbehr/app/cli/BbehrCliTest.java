package org.bbehr.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process: what it prints and the exit codes. */
class BbehrCliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = BbehrCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    @Test
    void versionShouldPrintTheBuildsVersion() {
        // when
        int exit = run("--version");
        // then
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("bbehr 0.").doesNotContain("unknown").doesNotContain("@project");
    }

    @Test
    void helpShouldListEverySubcommand() {
        // when
        int exit = run("--help");
        // then
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("chain", "deploy", "keys");
    }

    @Test
    void unknownOptionShouldPrintOneLineAndExitWithTwo() {
        // when
        int exit = run("keys", "show", "--frobnicate");
        // then
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("bbehr: Unknown option: '--frobnicate'").contains("bbehr keys show --help");
    }

    @Test
    void keysNewThenShowShouldPrintTheSameAddress() throws Exception {
        // given
        Path password = Files.writeString(dir.resolve("password"), "synthetic-password\n");
        Path keystore = dir.resolve("node-key.json");
        // when
        int created = run("keys", "new", "--keystore", keystore.toString(), "--password-file", password.toString());
        String address = out.toString().lines().findFirst().orElseThrow();
        out.getBuffer().setLength(0);
        int shown = run("keys", "show", "--keystore", keystore.toString(), "--check", "--password-file",
                password.toString());
        // then
        assertThat(created).isZero();
        assertThat(shown).isZero();
        assertThat(address).matches("0x[0-9a-f]{40}");
        assertThat(out.toString().trim()).isEqualTo(address);
    }

    @Test
    void keysNewShouldUseTheDataDirectoryByDefault() throws Exception {
        // given
        Path password = Files.writeString(dir.resolve("password"), "synthetic-password");
        // when
        int exit = run("keys", "new", "--data-dir", dir.resolve("data").toString(), "--password-file", password.toString());
        // then
        assertThat(exit).isZero();
        assertThat(dir.resolve("data/node-key.json")).exists();
    }

    @Test
    void failuresShouldPrintOneLineWithTheirCodeAndExitWithOne() throws Exception {
        // given
        Path password = Files.writeString(dir.resolve("password"), "synthetic-password");
        Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password");
        Path keystore = dir.resolve("k.json");
        run("keys", "new", "--keystore", keystore.toString(), "--password-file", password.toString());
        err.getBuffer().setLength(0);
        // when
        int missing = run("keys", "show", "--keystore", dir.resolve("missing.json").toString());
        int wrongPassword = run("keys", "show", "--keystore", keystore.toString(), "--check", "--password-file",
                wrong.toString());
        int exists = run("keys", "new", "--keystore", keystore.toString(), "--password-file", password.toString());
        // then
        assertThat(missing).isEqualTo(1);
        assertThat(wrongPassword).isEqualTo(1);
        assertThat(exists).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                "bbehr: EHR-3001 no keystore at " + dir.resolve("missing.json"),
                "bbehr: EHR-3003 wrong password for the keystore " + keystore,
                "bbehr: EHR-3002 a keystore already exists at " + keystore
                        + "; move it away first (it may hold the only copy of a key)");
    }

    @Test
    void deployToAnUnreachableChainShouldFailWithLedgerUnavailable() throws Exception {
        // given
        Path password = Files.writeString(dir.resolve("password"), "synthetic-password");
        Path keystore = dir.resolve("k.json");
        run("keys", "new", "--keystore", keystore.toString(), "--password-file", password.toString());
        err.getBuffer().setLength(0);
        // when
        int exit = run("deploy", "--rpc", "http://127.0.0.1:9", "--keystore", keystore.toString(),
                "--password-file", password.toString(), "--admin", ADMIN_A, "--admin", ADMIN_B,
                "--out", dir.resolve("d.json").toString());
        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("bbehr: EHR-2000 ");
        assertThat(dir.resolve("d.json")).doesNotExist();
    }

    static final String ADMIN_A = "0x00000000000000000000000000000000000000a1";
    static final String ADMIN_B = "0x00000000000000000000000000000000000000a2";

    @Test
    void deployOfASingleKeyOrUndelayedConsortiumShouldBeRefusedBeforeAnythingIsSent() throws Exception {
        // given
        Path password = Files.writeString(dir.resolve("password"), "synthetic-password");
        Path keystore = dir.resolve("k.json");
        run("keys", "new", "--keystore", keystore.toString(), "--password-file", password.toString());
        err.getBuffer().setLength(0);
        // when: one admin, then two admins with no delay, against a chain that is not even there
        int single = run("deploy", "--rpc", "http://127.0.0.1:9", "--keystore", keystore.toString(),
                "--password-file", password.toString(), "--admin", ADMIN_A, "--threshold", "1");
        String singleError = err.toString();
        err.getBuffer().setLength(0);
        int undelayed = run("deploy", "--rpc", "http://127.0.0.1:9", "--keystore", keystore.toString(),
                "--password-file", password.toString(), "--admin", ADMIN_A, "--admin", ADMIN_B, "--min-delay", "0");
        // then: refused for what they are, not for the missing chain
        assertThat(single).isEqualTo(1);
        assertThat(singleError).startsWith("bbehr: EHR-1000 ").contains("k-of-n");
        assertThat(undelayed).isEqualTo(1);
        assertThat(err.toString()).startsWith("bbehr: EHR-1000 ").contains("delay");
    }

    @Test
    void keysHelpShouldListTheRecordKeyCommands() {
        // when
        int exit = run("keys", "--help");
        // then
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("rotate-kek", "rotate-index", "backup", "restore");
    }

    @Test
    void rotateIndexShouldTakeAStoreUrlOnlyOffline() {
        // when
        int exit = run("keys", "rotate-index", "--store-url", "jdbc:postgresql://127.0.0.1:9/bbehr");
        // then
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "bbehr: --store-url is for --offline (see 'bbehr keys rotate-index --help')");
    }

    @Test
    void rotateIndexOfflineShouldRefuseADataDirectoryWithNoDatabase() throws Exception {
        // given: the data directory of a node whose database is elsewhere, or a mistyped one
        Path data = Files.createDirectories(dir.resolve("keys-only"));
        // when
        int exit = run("keys", "rotate-index", "--offline", "--data-dir", data.toString());
        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("bbehr: EHR-4003 no embedded database in " + data);
        assertThat(data.resolve("postgres")).doesNotExist();
    }

    @Test
    void rotateIndexShouldSayWhenTheNodeCannotRotate() throws Exception {
        // given: something that answers HTTP, but is not a node with the rotation
        try (var server = new java.net.ServerSocket(0)) {
            Thread.ofVirtual().start(() -> answerNotFound(server));
            // when
            int exit = run("keys", "rotate-index", "--node", "http://127.0.0.1:" + server.getLocalPort());
            // then
            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).startsWith("bbehr: EHR-4004 the node at http://127.0.0.1:")
                    .contains("offers no blind-index rotation");
        }
    }

    private static void answerNotFound(java.net.ServerSocket server) {
        try (var socket = server.accept()) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            while (!in.readLine().isEmpty()) {
                // the request's headers; a POST without a body has nothing after them
            }
            socket.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
