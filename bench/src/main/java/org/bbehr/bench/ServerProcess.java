package org.bbehr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bbehr serve} from the packaged jar, run as a child process on a free loopback port with its output in a log
 * file. Its helper processes are its descendants and, when it has a data directory, the processes that run on that
 * directory (an embedded PostgreSQL detaches from the JVM: its postmaster's command line names the directory).
 * Closing it stops the server (SIGTERM, then SIGKILL after a grace period) and then any helper still running; a
 * shutdown hook does the same if the benchmark's JVM exits first.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Process process;
    private final List<String> command;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private final String dataDir;
    private final Set<ProcessHandle> helpersSeen = new LinkedHashSet<>();
    private long startMillis;
    private long startedNanos;

    private ServerProcess(Process process, List<String> command, int port, Path log, Path dataDir) {
        this.process = process;
        this.command = command;
        this.port = port;
        this.log = log;
        this.dataDir = dataDir == null ? null : dataDir.toAbsolutePath().normalize().toString();
        this.shutdownHook = new Thread(this::kill, "stop bbehr serve " + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the server and returns when its readiness probe ({@code /readyz}) first answers 200.
     *
     * @param jvmOptions options for the server's JVM (none: the JVM's defaults, as {@code ./bbehr serve} runs it)
     * @param serverArgs extra arguments after {@code serve --port N}, e.g. {@code --bbehr.store.mode=embedded}
     * @param dataDir the server's data directory, whose processes are its helpers; null for none (memory store)
     */
    static ServerProcess start(Path jar, List<String> jvmOptions, List<String> serverArgs, Path dataDir, Path log) {
        return start(jar, jvmOptions, "serve", serverArgs, dataDir, log);
    }

    /** Like {@link #start(Path, List, List, Path, Path)} for another subcommand that runs a node, e.g. {@code dev}. */
    static ServerProcess start(Path jar, List<String> jvmOptions, String subcommand, List<String> serverArgs,
            Path dataDir, Path log) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), subcommand, "--port", Integer.toString(port)));
        // the management endpoints on a free port of their own (a Spring setting, so that releases from before
        // the management port accept it too; dev takes it as an option)
        command.addAll(subcommand.equals("dev") ? List.of("--management-port", "0")
                : List.of("--management.server.port=0"));
        command.addAll(serverArgs);
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        ServerProcess server = new ServerProcess(process, command, port, log, dataDir);
        server.startedNanos = started;
        try {
            server.awaitReady(started);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Milliseconds from starting the process until its output is seen to hold {@code text} (the output is read
     * every 20 ms), waiting up to {@code timeout} for it.
     */
    long millisUntilOutput(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
                if (lines.stream().anyMatch(line -> line.contains(text))) {
                    return (System.nanoTime() - startedNanos) / 1_000_000;
                }
                requireAlive("the wait for \"" + text + "\"");
                Thread.sleep(20);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("no \"" + text + "\" within " + timeout + ":\n" + logTail());
    }

    /** Milliseconds from starting the process to the first 200 from the readiness probe. */
    long startMillis() {
        return startMillis;
    }

    long pid() {
        return process.pid();
    }

    /** The FHIR base URL, without a trailing slash. */
    String base() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    List<String> command() {
        return command;
    }

    /** The server JVM's resident set size (VmRSS), in KiB. */
    long residentKib() {
        requireAlive("the memory reading");
        return ProcStatus.residentKib(process.pid()).orElseThrow(() -> new IllegalStateException(
                "no VmRSS for the server (pid " + process.pid() + ") in /proc"));
    }

    /**
     * The memory of the server's helper processes (e.g. PostgreSQL), in KiB: their proportional set sizes (PSS, which
     * shares shared memory out among them) summed; 0 if there are none.
     */
    long helpersMemoryKib() {
        return helpers().mapToLong(p -> ProcStatus.proportionalKib(p.pid())
                .or(() -> ProcStatus.residentKib(p.pid())).orElse(0L)).sum();
    }

    /**
     * The server JVM's heap, committed and used, in KiB, from {@code jcmd <pid> GC.heap_info} (the JDK's jcmd next
     * to this JVM's java); empty if jcmd is not there or answers otherwise.
     */
    Optional<long[]> heapKib() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Optional.empty();
        }
        try {
            Process info = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.heap_info")
                    .redirectErrorStream(true).start();
            String output = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!info.waitFor(30, TimeUnit.SECONDS)) {
                info.destroyForcibly();
                return Optional.empty();
            }
            var matcher = java.util.regex.Pattern.compile("committed (\\d+)K, used (\\d+)K").matcher(output);
            return matcher.find() ? Optional.of(new long[] {Long.parseLong(matcher.group(1)),
                    Long.parseLong(matcher.group(2))}) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** CPU time (user + system) of the server and its live helper processes so far, in seconds. */
    double cpuSeconds() {
        long ticks = ProcStatus.cpuTicks(process.pid()).orElse(0L)
                + helpers().mapToLong(p -> ProcStatus.cpuTicks(p.pid()).orElse(0L)).sum();
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    /**
     * The live helper processes: the server's descendants, and each PostgreSQL server on a directory inside the
     * server's data directory (its arguments hold {@code -D <dir>}) with its descendants.
     */
    private Stream<ProcessHandle> helpers() {
        Stream<ProcessHandle> onDataDir = dataDir == null ? Stream.empty()
                : ProcessHandle.allProcesses()
                        .filter(p -> runsOnDataDir(p.info().arguments().orElse(new String[0])))
                        .filter(p -> !isSelfOrAncestor(p))
                        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()));
        return Stream.concat(process.descendants(), onDataDir).filter(ProcessHandle::isAlive).distinct();
    }

    private boolean runsOnDataDir(String[] arguments) {
        for (int i = 0; i + 1 < arguments.length; i++) {
            if (arguments[i].equals("-D") && (arguments[i + 1].equals(dataDir)
                    || arguments[i + 1].startsWith(dataDir + "/"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSelfOrAncestor(ProcessHandle candidate) {
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            if (p.get().pid() == candidate.pid()) {
                return true;
            }
        }
        return false;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Throws, with the exit status (137: SIGKILL, 143: SIGTERM) and the log's tail, if the server has exited. */
    void requireAlive(String during) {
        if (!process.isAlive()) {
            throw new IllegalStateException("bbehr serve (pid " + process.pid() + ") exited with status "
                    + process.exitValue() + " during " + during + "; its last output:\n" + logTail());
        }
    }

    /** The last lines of the server's output. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server: SIGTERM for a graceful shutdown, SIGKILL if that hangs; then any helper left running. */
    @Override
    public void close() {
        rememberHelpers();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    System.err.println("bbehr serve (pid " + process.pid() + ") did not stop within " + STOP_GRACE
                            + "; killing it");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    /** SIGKILL for the server if it still runs; SIGTERM, then SIGKILL, for each helper process it left behind. */
    private void kill() {
        rememberHelpers();
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(process.toHandle(), Duration.ofSeconds(10));
        }
        List<ProcessHandle> left;
        synchronized (helpersSeen) {
            left = helpersSeen.stream().filter(ProcessHandle::isAlive).toList();
        }
        left.forEach(ProcessHandle::destroy);
        for (ProcessHandle helper : left) {
            waitFor(helper, Duration.ofSeconds(10));
            if (helper.isAlive()) {
                helper.destroyForcibly();
            }
        }
    }

    private static void waitFor(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // still running: the caller decides
        }
    }

    private void rememberHelpers() {
        List<ProcessHandle> now = helpers().toList();
        synchronized (helpersSeen) {
            helpersSeen.addAll(now);
        }
    }

    private void awaitReady(long startedNanos) {
        URI readiness = URI.create("http://127.0.0.1:" + port + "/readyz");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).build();
        long deadline = startedNanos + READY_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("bbehr serve exited with " + process.exitValue()
                            + " before it was ready:\n" + logTail());
                }
                try {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        startMillis = (System.nanoTime() - startedNanos) / 1_000_000;
                        rememberHelpers();
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for bbehr serve", e);
        } finally {
            http.close();
        }
        throw new IllegalStateException("bbehr serve was not ready within " + READY_TIMEOUT + ":\n" + logTail());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Figures from /proc (Linux). */
    static final class ProcStatus {

        private ProcStatus() {}

        /** VmRSS of /proc/PID/status in KiB, or empty if the process is gone or /proc is not there. */
        static Optional<Long> residentKib(long pid) {
            try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
                return lines.filter(line -> line.startsWith("VmRSS:"))
                        .map(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst();
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        }

        /** Pss of /proc/PID/smaps_rollup in KiB, or empty if the process is gone or the file is not readable. */
        static Optional<Long> proportionalKib(long pid) {
            try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                return lines.filter(line -> line.startsWith("Pss:"))
                        .map(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst();
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        }

        /** utime + stime of /proc/PID/stat, in clock ticks. */
        static Optional<Long> cpuTicks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Optional.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
