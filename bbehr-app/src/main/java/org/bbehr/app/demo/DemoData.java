package org.bbehr.app.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.bbehr.app.importer.FhirImport;
import org.bbehr.app.importer.ImportJournal;
import org.bbehr.app.importer.ImportSummary;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * Demo patients for {@code bbehr dev}: generated once with Synthea into a cache shared by every data directory, and
 * loaded through the node's FHIR API on a data directory's first start only. The data directory's
 * {@value #MARKER} records how far that got: {@code pending} (nothing loaded yet: the next start tries again),
 * {@code importing} (interrupted while loading: the next start resumes, with {@value #JOURNAL}, which records file by
 * file what was sent and what was loaded, so that no patient is loaded twice) or {@code loaded}.
 */
public final class DemoData {

    static final String MARKER = "demo-data.properties";
    static final String JOURNAL = "demo-data.journal";

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
                if (!Files.exists(dataDir.resolve(JOURNAL))) {
                    return "not loaded: the first load was interrupted; delete the data directory to start afresh";
                }
                return load(fhirUrl, out, err, true);
            case "pending":
                return load(fhirUrl, out, err, false);
            default:
                return "none (the data directory was created without them)";
        }
    }

    private String load(String fhirUrl, PrintWriter out, PrintWriter err, boolean resume) {
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
        FileJournal journal = new FileJournal(dataDir.resolve(JOURNAL), bundles, resume);
        if (resume) {
            out.printf("Demo data: resuming the interrupted first load (%d files loaded before)%n", journal.loaded());
            out.flush();
        }
        write("importing", Optional.empty());
        ImportSummary summary = new ImportSummary();
        long started = System.nanoTime();
        new FhirImport(new FhirImport.Options(fhirUrl, 2)).run(bundles, summary, err, System.console() != null,
                journal);
        long millis = (System.nanoTime() - started) / 1_000_000;
        long patients = journal.patients();
        write("loaded", Optional.of(new long[] {patients, journal.resources()}));
        if (!summary.rejections().isEmpty()) {
            summary.print(out, millis);
            err.println("bbehr: " + ErrorCode.DEMO_LOAD_INCOMPLETE.code() + " " + summary.rejections().size()
                    + " demo entries were rejected (listed above)");
            err.flush();
        }
        out.printf("Demo data loaded: %,d patients, %,d resources in %.1f s%n", patients, journal.resources(),
                millis / 1000.0);
        out.flush();
        return String.format("%,d patients, %,d resources (loaded now)", patients, journal.resources());
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

    /**
     * The import journal as a file of lines {@code sending <file>} and {@code loaded <file> <resources> <patients>},
     * each written and forced to disk before the import goes on.
     */
    static final class FileJournal implements ImportJournal {

        private final Path file;
        private final Path bundles;
        private final Map<String, long[]> loaded = new HashMap<>();
        private final Set<String> sending = new HashSet<>();

        FileJournal(Path file, Path bundles, boolean resume) {
            this.file = file;
            this.bundles = bundles;
            try {
                if (!resume) {
                    Files.deleteIfExists(file);
                } else if (Files.exists(file)) {
                    for (String line : Files.readAllLines(file)) {
                        String[] parts = line.split(" ");
                        if (parts.length == 2 && parts[0].equals("sending")) {
                            sending.add(parts[1]);
                        } else if (parts.length == 4 && parts[0].equals("loaded")) {
                            loaded.put(parts[1], new long[] {Long.parseLong(parts[2]), Long.parseLong(parts[3])});
                        }
                    }
                }
            } catch (IOException | NumberFormatException e) {
                throw new BbehrException(ErrorCode.DEMO_LOAD_INCOMPLETE, "cannot read the demo data journal " + file
                        + ": " + e.getMessage() + "; delete the data directory to start afresh");
            }
        }

        @Override
        public synchronized State state(Path bundle) {
            String name = name(bundle);
            return loaded.containsKey(name) ? State.LOADED : sending.contains(name) ? State.IN_DOUBT : State.NOT_SENT;
        }

        @Override
        public synchronized void sending(Path bundle) {
            sending.add(name(bundle));
            append("sending " + name(bundle));
        }

        @Override
        public synchronized void loaded(Path bundle, int resources, int patients) {
            loaded.put(name(bundle), new long[] {resources, patients});
            append("loaded " + name(bundle) + " " + resources + " " + patients);
        }

        synchronized int loaded() {
            return loaded.size();
        }

        synchronized long resources() {
            return loaded.values().stream().mapToLong(counts -> counts[0]).sum();
        }

        synchronized long patients() {
            return loaded.values().stream().mapToLong(counts -> counts[1]).sum();
        }

        /** The file's path under the bundles' folder, with {@code /} separators and no spaces. */
        private String name(Path bundle) {
            return bundles.relativize(bundle).toString().replace('\\', '/').replace(" ", "%20");
        }

        private void append(String line) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
