package org.bbehr.app.cli;

import java.nio.file.Path;
import org.bbehr.store.crypto.KeyBackup;
import org.bbehr.store.crypto.NodeKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bbehr keys backup}: the record keys, encrypted with a passphrase, into one file. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Write the node's record keys (key-encryption key and blind-index key), encrypted with a "
                + "passphrase, to a file. Keep it apart from the database backups. See docs/keys.md.")
final class KeysBackupCommand implements Runnable {

    @Mixin
    DataDirOption dataDir;

    @Mixin
    PassphraseOption passphrase;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The backup file to write.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        KeyBackup.write(NodeKeys.load(dataDir.dataDir), out, passphrase.read(true));
        spec.commandLine().getOut().println("key backup written to " + out);
        spec.commandLine().getOut().flush();
    }
}
