package org.bbehr.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the node's keystore is: given, or {@code node-key.json} in the data directory. */
final class KeystoreOption {

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--keystore", paramLabel = "FILE",
            description = "The node's encrypted keystore (default: node-key.json in the data directory).")
    Path keystore;

    Path path() {
        return keystore != null ? keystore : dataDir.dataDir.resolve("node-key.json");
    }
}
