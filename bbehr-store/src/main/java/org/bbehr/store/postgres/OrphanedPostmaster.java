package org.bbehr.store.postgres;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A postgres left running by a process that died (kill -9 does not stop the server it started), whose
 * {@code postmaster.pid} would block the next start. The launcher that started a server holds a lock on
 * {@code epg-lock} in the data directory for as long as it lives; a server whose launcher holds no lock is an orphan.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
    static final String LAUNCHER_LOCK = "epg-lock";
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private OrphanedPostmaster() {}

    /**
     * Stops the orphaned postgres of {@code dataDirectory} if one runs, or removes a stale {@code postmaster.pid}.
     *
     * @throws BbehrException {@code STORE_UNAVAILABLE} when a living launcher still uses the directory
     */
    static void clear(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        requireNoLiveLauncher(dataDirectory);
        Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(OrphanedPostmaster::isPostgres);
        if (orphan.isPresent()) {
            stop(orphan.get());
        }
        try {
            if (Files.deleteIfExists(pidFile)) {
                log.info("removed the stale {}", pidFile);
            }
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot remove " + pidFile + ": " + e.getMessage(), e);
        }
    }

    private static void requireNoLiveLauncher(Path dataDirectory) {
        Path lockFile = dataDirectory.resolve(LAUNCHER_LOCK);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileOutputStream stream = new FileOutputStream(lockFile.toFile(), true);
                FileLock lock = stream.getChannel().tryLock()) {
            if (lock == null) {
                throw inUse(dataDirectory, "another process");
            }
        } catch (OverlappingFileLockException e) {
            throw inUse(dataDirectory, "this process");
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot check " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static BbehrException inUse(Path dataDirectory, String who) {
        return new BbehrException(ErrorCode.STORE_UNAVAILABLE, "the PostgreSQL data directory " + dataDirectory
                + " is in use by a server that " + who + " started and still runs; stop it first");
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (IOException | NumberFormatException e) {
            log.warn("ignoring the unreadable {}: {}", pidFile, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command()
                .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
                .orElse(false);
    }

    /** SIGTERM (a smart shutdown: the orphan has no clients left), then SIGKILL if it does not stop in time. */
    private static void stop(ProcessHandle orphan) {
        log.warn("stopping the PostgreSQL server (pid {}) that a previous run left behind", orphan.pid());
        orphan.destroy();
        try {
            orphan.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("PostgreSQL (pid {}) did not stop in {} s; killing it (it will recover from its WAL)",
                    orphan.pid(), STOP_TIMEOUT_SECONDS);
            orphan.destroyForcibly();
            orphan.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "interrupted while stopping an orphaned PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot stop the orphaned PostgreSQL (pid "
                    + orphan.pid() + "): " + e.getMessage(), e);
        }
    }
}
