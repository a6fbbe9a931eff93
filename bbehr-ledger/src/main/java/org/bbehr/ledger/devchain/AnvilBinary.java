package org.bbehr.ledger.devchain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * Finds the anvil executable that the project's npm packages install ({@code contracts/node_modules}): under the
 * BbEHR home ({@code BBEHR_HOME} or system property {@code bbehr.home}), then above the working directory, then on
 * the PATH.
 */
public final class AnvilBinary {

    private AnvilBinary() {}

    public static Path find() {
        List<Path> candidates = new ArrayList<>();
        home().ifPresent(home -> candidates.add(inProject(home)));
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(inProject(dir));
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String entry : pathVariable.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                candidates.add(Path.of(entry, "anvil"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new BbehrException(
                ErrorCode.ANVIL_NOT_FOUND, "anvil was not found: run the build (./mvnw install) so that "
                        + "contracts/node_modules holds it, or give its path with --anvil"));
    }

    private static Optional<Path> home() {
        String home = System.getProperty("bbehr.home", System.getenv("BBEHR_HOME"));
        return Optional.ofNullable(home).filter(h -> !h.isBlank()).map(Path::of);
    }

    private static Path inProject(Path root) {
        return root.resolve("contracts/node_modules/@foundry-rs/anvil-" + platform() + "/bin/anvil");
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = arch.contains("aarch64") || arch.contains("arm64") ? "arm64" : "amd64";
        return (os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux") + "-" + cpu;
    }
}
