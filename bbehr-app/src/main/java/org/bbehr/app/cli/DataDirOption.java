package org.bbehr.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data directory, shared by the commands that keep state. */
final class DataDirOption {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:BBEHR_DATA_DIR:-.bbehr}",
            description = "Where BbEHR keeps its state (default: ${DEFAULT-VALUE}; env BBEHR_DATA_DIR).")
    Path dataDir;

    Path chainDir() {
        return dataDir.resolve("chain");
    }
}
