package org.bbehr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bbehr.ledger.devchain.AnvilBinary;

/** What the benchmark ran on. */
record Machine(int cores, String memory, String os, String java, String anvil, String load) {

    static Machine describe() {
        return describe(anvilVersion());
    }

    /** For benchmarks without a chain: the same, with no anvil to ask (its field is "—"). */
    static Machine describeWithoutChain() {
        return describe("—");
    }

    private static Machine describe(String anvil) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                totalMemory(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                anvil,
                loadAverage());
    }

    /** The MemTotal line of /proc/meminfo, in GiB. */
    private static String totalMemory() {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return "unknown memory";
        }
        try (var lines = Files.lines(meminfo)) {
            long kib = lines.filter(line -> line.startsWith("MemTotal:"))
                    .map(line -> line.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no MemTotal in " + meminfo));
            return String.format(Locale.ROOT, "%.1f GiB memory", kib / (1024.0 * 1024.0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first field of /proc/loadavg: the load average of the last minute, other processes' work included. */
    private static String loadAverage() {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.isReadable(loadavg)) {
            return "unknown";
        }
        try {
            return Files.readString(loadavg).split(" ")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line of {@code anvil --version}, e.g. "anvil 1.7.1". */
    private static String anvilVersion() {
        try {
            Process process = new ProcessBuilder(AnvilBinary.find().toString(), "--version")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output.lines().findFirst().orElse("anvil (unknown version)").replace("Version: ", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking anvil its version", e);
        }
    }
}
