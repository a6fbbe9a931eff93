package org.bbehr.app.cli;

import picocli.CommandLine.Command;

/** {@code bbehr keys}: the node's signing key. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create or show the node's signing key.",
        subcommands = {KeysNewCommand.class, KeysShowCommand.class})
final class KeysCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
