package org.bbehr.app.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.bbehr.app.importer.FhirImport;
import org.bbehr.app.importer.ImportSummary;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * Demo patients for {@code bbehr dev}: generated once with Synthea into a cache shared by every data directory, and
 * loaded through the node's FHIR API on a data directory's first start only. The data directory's
 * {@value #MARKER} records how far that got: {@code pending} (nothing loaded yet: the next start tries again),
 * {@code importing} (interrupted while loading: never loaded twice, which would duplicate patients) or
 * {@code loaded}.
 */
public final class DemoData {

    static final String MARKER = "demo-data.properties";

    /** What to load: how many patients, from which seed, with the cache where generated patients are kept. */
    public record Options(int patients, long seed, Path cacheDir) {}

    private final Path dataDir;
    private final Options options;

    public DemoData(Path dataDir, Options options) {
        this.dataDir = dataDir;
        this.options = options;
    }

    /** True for a data directory that does not exist yet or is empty: its first start. */
    public static boolean isFresh(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return true;
        }
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records that this data directory's first start is to load demo data; call it before anything else. */
    public void markPending() {
        write("pending", Optional.empty());
    }

    /**
     * Loads the demo data if the data directory is waiting for it, and says what it did in one line on {@code out}
     * (with the import's full summary when entries were rejected).
     *
     * @return the line that describes the demo data, for the ready message
     */
    public String loadIfPending(String fhirUrl, PrintWriter out, PrintWriter err) {
        Properties marker = read();
        String state = marker.getProperty("state", "");
        switch (state) {
            case "loaded":
                return marker.getProperty("patients") + " patients, " + marker.getProperty("resources")
                        + " resources (loaded on first start)";
            case "importing":
                return "not loaded: the first load was interrupted; delete the data directory to start afresh";
            case "pending":
                return load(fhirUrl, out, err);
            default:
                return "none (the data directory was created without them)";
        }
    }

    private String load(String fhirUrl, PrintWriter out, PrintWriter err) {
        Path bundles;
        try {
            out.printf("Demo data: %d synthetic patients (Synthea, seed %d; generated once into %s)%n",
                    options.patients(), options.seed(), options.cacheDir());
            out.flush();
            bundles = SyntheaProcess.in(SyntheaProcess.projectHome())
                    .generate(options.patients(), options.seed(), options.cacheDir());
        } catch (BbehrException e) {
            err.println("bbehr: " + e.describe() + "; starting without demo data (the next start tries again)");
            err.flush();
            return "none: " + e.code().code() + " (see above)";
        }
        write("importing", Optional.empty());
        ImportSummary summary = new ImportSummary();
        long started = System.nanoTime();
        new FhirImport(new FhirImport.Options(fhirUrl, 2)).run(bundles, summary, err, System.console() != null);
        long millis = (System.nanoTime() - started) / 1_000_000;
        long patients = summary.count("Patient", ImportSummary.Outcome.CREATED);
        write("loaded", Optional.of(new long[] {patients, summary.loaded()}));
        if (!summary.rejections().isEmpty()) {
            summary.print(out, millis);
            err.println("bbehr: " + ErrorCode.DEMO_LOAD_INCOMPLETE.code() + " " + summary.rejections().size()
                    + " demo entries were rejected (listed above)");
            err.flush();
        }
        out.printf("Demo data loaded: %,d patients, %,d resources in %.1f s%n", patients, summary.loaded(),
                millis / 1000.0);
        out.flush();
        return String.format("%,d patients, %,d resources (loaded now)", patients, summary.loaded());
    }

    private Properties read() {
        Properties properties = new Properties();
        Path file = dataDir.resolve(MARKER);
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return properties;
    }

    private void write(String state, Optional<long[]> counts) {
        Properties properties = new Properties();
        properties.setProperty("state", state);
        properties.setProperty("seed", Long.toString(options.seed()));
        counts.ifPresent(c -> {
            properties.setProperty("patients", Long.toString(c[0]));
            properties.setProperty("resources", String.format("%,d", c[1]));
        });
        try {
            Files.createDirectories(dataDir);
            Path temporary = dataDir.resolve(MARKER + ".tmp");
            try (var writer = Files.newBufferedWriter(temporary)) {
                properties.store(writer, "demo data of bbehr dev: pending, importing or loaded");
            }
            Files.move(temporary, dataDir.resolve(MARKER), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
