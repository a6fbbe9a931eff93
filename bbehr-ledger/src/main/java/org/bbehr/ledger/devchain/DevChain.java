package org.bbehr.ledger.devchain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.ledger.ContractDeployer;
import org.bbehr.ledger.LedgerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local development chain: anvil on a free loopback port, its state saved to the data directory every second
 * (a kill -9 loses at most about a second), the contracts deployed once and their deployment file reused on later
 * starts. A chain left running by a killed process is stopped (gracefully, so it saves its state) before a new
 * one starts. The only part of BbEHR that knows anvil.
 */
public final class DevChain implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevChain.class);
    public static final long CHAIN_ID = 31337;
    private static final long START_TIMEOUT_SECONDS = 30;

    /**
     * @param dataDir where the chain keeps its state, pid and deployment files (created if missing)
     * @param anvil the anvil executable, or null to find it
     * @param port the port, or 0 for a free one
     */
    public record Options(Path dataDir, Path anvil, int port) {
        public static Options in(Path dataDir) {
            return new Options(dataDir, null, 0);
        }
    }

    private final Process process;
    private final String rpcUrl;
    private final Deployment deployment;
    private final Path dir;

    private DevChain(Process process, String rpcUrl, Deployment deployment, Path dir) {
        this.process = process;
        this.rpcUrl = rpcUrl;
        this.deployment = deployment;
        this.dir = dir;
    }

    /** Starts anvil and makes sure the contracts are deployed. */
    public static DevChain start(Options options) {
        Path dir = options.dataDir().toAbsolutePath();
        createDirectories(dir);
        stopOrphan(dir.resolve("anvil.pid"));
        Path anvil = options.anvil() != null ? options.anvil() : AnvilBinary.find();
        int port = options.port() != 0 ? options.port() : freePort();
        long started = System.nanoTime();
        Process process = launch(anvil, dir, port);
        try {
            String rpcUrl = "http://127.0.0.1:" + port;
            Deployment deployment = ContractDeployer.ensureDeployed(LedgerConfig.defaults(rpcUrl),
                    DevAccounts.admin(), ContractDeployer.Consortium.singleKey(
                            Address.of(DevAccounts.admin().getAddress())),
                    dir.resolve("deployment.json"));
            log.info("dev chain ready at {} in {} ms", rpcUrl, (System.nanoTime() - started) / 1_000_000);
            return new DevChain(process, rpcUrl, deployment, dir);
        } catch (RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public Deployment deployment() {
        return deployment;
    }

    public Path deploymentFile() {
        return dir.resolve("deployment.json");
    }

    /** The anvil process id (tests use it to kill the chain hard). */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops anvil with SIGTERM, so it writes its state, and waits for it. */
    @Override
    public void close() {
        stop(process);
        try {
            Files.deleteIfExists(dir.resolve("anvil.pid"));
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir.resolve("anvil.pid"), e.getMessage());
        }
    }

    private static Process launch(Path anvil, Path dir, int port) {
        List<String> command = List.of(anvil.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--chain-id", Long.toString(CHAIN_ID),
                "--state", dir.resolve("anvil-state.json").toString(), "--state-interval", "1",
                // like the consortium's production chain: no gas price, so unfunded node keys can transact
                "--base-fee", "0", "--gas-price", "0", "--no-priority-fee");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Files.writeString(dir.resolve("anvil.pid"), Long.toString(process.pid()));
            awaitListening(process, dir.resolve("anvil.log"));
            return process;
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DEV_CHAIN_FAILED, "cannot start anvil (" + anvil + "): "
                    + e.getMessage(), e);
        }
    }

    /** Waits for anvil's "Listening on" line, copying its output to a log file meanwhile and afterwards. */
    private static void awaitListening(Process process, Path logFile) throws IOException {
        CompletableFuture<Void> listening = new CompletableFuture<>();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
        Thread pump = new Thread(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    out.println(line);
                    if (line.contains("Listening on")) {
                        listening.complete(null);
                    }
                }
            } catch (IOException e) {
                log.debug("anvil output closed: {}", e.getMessage());
            } finally {
                out.close();
                listening.completeExceptionally(new IOException("anvil exited with code " + exitCode(process)));
            }
        }, "anvil-output");
        pump.setDaemon(true);
        pump.start();
        try {
            listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            throw new BbehrException(ErrorCode.DEV_CHAIN_FAILED, "anvil did not start ("
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer in " + START_TIMEOUT_SECONDS + " s")
                    + "); see " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw new BbehrException(ErrorCode.DEV_CHAIN_FAILED, "interrupted while starting anvil", e);
        }
    }

    /** A chain left behind by a killed process still holds the state file: stop it gracefully first. */
    private static void stopOrphan(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.endsWith("anvil")).orElse(false))
                    .ifPresent(orphan -> {
                        log.warn("stopping the dev chain (pid {}) that a previous run left behind", pid);
                        orphan.destroy();
                        try {
                            orphan.onExit().get(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            orphan.destroyForcibly();
                        }
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            log.warn("ignoring an unreadable pid file {}: {}", pidFile, e.getMessage());
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String exitCode(Process process) {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DEV_CHAIN_FAILED, "no free loopback port: " + e.getMessage(), e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DATA_DIR_INVALID, "cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
