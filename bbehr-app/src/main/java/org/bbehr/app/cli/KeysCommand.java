package org.bbehr.app.cli;

import picocli.CommandLine.Command;

/** {@code bbehr keys}: the node's signing key and its record keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "The node's signing key (new, show) and its "
        + "record keys (backup, restore, rotate-kek, rotate-index).",
        subcommands = {KeysNewCommand.class, KeysShowCommand.class, KeysBackupCommand.class, KeysRestoreCommand.class,
            KeysRotateKekCommand.class, KeysRotateIndexCommand.class})
final class KeysCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
