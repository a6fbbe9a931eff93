package org.bbehr.app.cli;

import java.nio.file.Path;
import org.bbehr.store.crypto.KeyBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bbehr keys restore}: puts backed-up record keys back into a data directory that has none. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore the node's record keys from a backup into the data directory (which must hold no "
                + "keys).")
final class KeysRestoreCommand implements Runnable {

    @Mixin
    DataDirOption dataDir;

    @Mixin
    PassphraseOption passphrase;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup file.")
    Path from;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        KeyBackup.restore(from, passphrase.read(false), dataDir.dataDir);
        spec.commandLine().getOut().println("keys restored into " + dataDir.dataDir.resolve("keys"));
        spec.commandLine().getOut().flush();
    }
}
