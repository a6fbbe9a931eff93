package org.bbehr.app.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * The Synthea generator (module {@code bbehr-synthea}) run as a JVM of its own, so that Synthea and the HAPI FHIR
 * version it brings stay off the node's classpath. Its output is cached: one folder per set of arguments, written
 * under a temporary name and renamed when complete, so an interrupted run is never taken for a finished one.
 */
public final class SyntheaProcess {

    static final String MAIN_CLASS = "org.bbehr.synthea.SyntheaGenerator";
    private static final long TIMEOUT_MINUTES = 30;

    private final Path generatorDir;

    private SyntheaProcess(Path generatorDir) {
        this.generatorDir = generatorDir;
    }

    /**
     * The generator built in the project at {@code home} ({@code bbehr-synthea/target}).
     *
     * @throws BbehrException {@link ErrorCode#DEMO_GENERATOR_MISSING} if it is not built
     */
    public static SyntheaProcess in(Path home) {
        Path target = home.resolve("bbehr-synthea").resolve("target");
        if (!Files.isRegularFile(target.resolve("bbehr-synthea.jar")) || !Files.isDirectory(target.resolve("lib"))) {
            throw new BbehrException(ErrorCode.DEMO_GENERATOR_MISSING, "the Synthea generator is not built ("
                    + target + "); build the project (./mvnw -DskipTests package)");
        }
        return new SyntheaProcess(target);
    }

    /**
     * The project's folder: {@code -Dbbehr.home} (which ./bbehr sets), else the one that holds
     * {@code bbehr-app/target/bbehr.jar} when running from it, else the working directory.
     */
    public static Path projectHome() {
        String home = System.getProperty("bbehr.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        try {
            Path jar = Path.of(SyntheaProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path project = jar.toAbsolutePath().getParent().getParent().getParent();
            return project != null ? project : Path.of(".");
        } catch (Exception e) {
            return Path.of(".");
        }
    }

    /**
     * The Bundles of {@code patients} patients generated with {@code seed}: from the cache under {@code cacheDir} if
     * there, else generated now (which takes about a second per patient plus ten of start-up).
     *
     * @return the folder of Bundles
     */
    public Path generate(int patients, long seed, Path cacheDir) {
        Path folder = cacheDir.resolve("synthea-p" + patients + "-s" + seed);
        if (Files.isDirectory(folder)) {
            return folder.resolve("fhir");
        }
        Path partial = cacheDir.resolve(folder.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(cacheDir);
            deleteRecursively(partial);
            Files.createDirectories(partial);
            run(List.of("--patients", Integer.toString(patients), "--seed", Long.toString(seed),
                    "--out", partial.toString()), partial.resolve("generator.log"));
            moveInPlace(partial, folder);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DEMO_GENERATION_FAILED, "cannot write the demo data cache in "
                    + cacheDir + ": " + e.getMessage(), e);
        }
        return folder.resolve("fhir");
    }

    private void run(List<String> args, Path log) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", generatorDir.resolve("bbehr-synthea.jar") + File.pathSeparator + generatorDir.resolve("lib")
                        + File.separator + "*",
                MAIN_CLASS));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new BbehrException(ErrorCode.DEMO_GENERATION_FAILED, "Synthea took more than "
                        + TIMEOUT_MINUTES + " minutes; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.DEMO_GENERATION_FAILED, "interrupted while Synthea was running");
        }
        if (process.exitValue() != 0) {
            throw new BbehrException(ErrorCode.DEMO_GENERATION_FAILED, "Synthea failed (exit code "
                    + process.exitValue() + "): " + lastLine(log) + " (see " + log + ")");
        }
    }

    private static void moveInPlace(Path partial, Path folder) throws IOException {
        try {
            Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file
                .DirectoryNotEmptyException raced) {
            // another process generated the same patients meanwhile: theirs are as good as these
            deleteRecursively(partial);
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "no output" : lines.getLast();
        } catch (IOException e) {
            return "no output";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
