package org.bbehr.app.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged node run as a separate process, as an operator runs it, with its output kept in a file. */
final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;

    private NodeProcess(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts {@code bbehr serve} with the given extra arguments and waits until it is ready. */
    static NodeProcess serve(Path dir, String logName, String... args) throws Exception {
        return start("serve", dir, logName, args);
    }

    /** Starts {@code bbehr <command> --port N args…} and waits until it is ready. */
    static NodeProcess start(String subcommand, Path dir, String logName, String... args) throws Exception {
        return start(subcommand, dir, logName, java.util.Map.of(), args);
    }

    /** Like {@link #start(String, Path, String, String...)}, with extra environment variables (node settings). */
    static NodeProcess start(String subcommand, Path dir, String logName, java.util.Map<String, String> environment,
            String... args) throws Exception {
        // a free port chosen here can be taken before the node binds it (by its own chain or database, which pick
        // theirs meanwhile): then the node is started again on other ports
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(subcommand, dir, logName, environment, args);
            } catch (AssertionError e) {
                if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("was already in use")) {
                    throw e;
                }
            }
        }
    }

    private static NodeProcess startOnce(String subcommand, Path dir, String logName,
            java.util.Map<String, String> environment, String... args) throws Exception {
        int port = freePort();
        int managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Dbbehr.home=" + System.getProperty("bbehr.home"),
                "-jar", System.getProperty("bbehr.jar"), subcommand, "--port", Integer.toString(port),
                "--management-port", Integer.toString(managementPort)));
        command.addAll(List.of(args));
        Path log = dir.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        NodeProcess node = new NodeProcess(process, port, managementPort, log);
        node.awaitReady(Duration.ofSeconds(90));
        return node;
    }

    String base() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    String root() {
        return "http://127.0.0.1:" + port;
    }

    /** The management endpoints' root: health details, metrics, blind-index rotation. */
    String management() {
        return "http://127.0.0.1:" + managementPort;
    }

    long pid() {
        return process.pid();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** Waits until the process has printed {@code text}. */
    String awaitOutput(String text) throws Exception {
        return awaitOutput(text, Duration.ofSeconds(30));
    }

    /** Waits up to {@code timeout} until the process has printed {@code text}. */
    String awaitOutput(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the node never printed \"" + text + "\":\n" + output());
            }
            Thread.sleep(100);
        }
        return output();
    }

    /** kill -9: the JVM gets no chance to flush, close or shut anything down. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the node exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/readyz")).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the node was not ready within " + timeout + ":\n" + output());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
