package org.bbehr.app.cli;

import java.nio.file.Path;
import org.bbehr.app.demo.DemoData;
import picocli.CommandLine.Option;

/** {@code bbehr dev}'s demo data: how many synthetic patients its first start loads, and where they are cached. */
final class DemoOptions {

    @Option(names = "--demo-patients", paramLabel = "N", defaultValue = "20",
            description = "Synthetic patients (Synthea) that a new data directory's first start loads "
                    + "(default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--no-demo", description = "Load no demo patients on the first start.")
    boolean none;

    @Option(names = "--demo-cache", paramLabel = "DIR",
            description = "Where generated patients are kept for reuse by every data directory (default: "
                    + "$BBEHR_CACHE_DIR, else $XDG_CACHE_HOME/bbehr, else ~/.cache/bbehr).")
    Path cache;

    /** The demo data of {@code dataDir}, or none when {@code --no-demo} or N = 0. */
    java.util.Optional<DemoData> of(Path dataDir) {
        if (none || patients <= 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new DemoData(dataDir, new DemoData.Options(patients, 1, cacheDir())));
    }

    private Path cacheDir() {
        if (cache != null) {
            return cache;
        }
        String explicit = System.getenv("BBEHR_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("bbehr");
    }
}
