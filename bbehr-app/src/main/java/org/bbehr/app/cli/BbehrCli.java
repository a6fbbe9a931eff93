package org.bbehr.app.cli;

import java.io.PrintWriter;
import org.bbehr.core.BbehrException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bbehr} command: one subcommand per class. */
@Command(
        name = "bbehr",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "BbEHR: blockchain-backed electronic health records for a network of hospitals.",
        subcommands = {DevCommand.class, ServeCommand.class, ChainCommand.class, DeployCommand.class, KeysCommand.class,
                EraseCommand.class, LegalHoldCommand.class, VerifyCommand.class, ImportCommand.class})
public final class BbehrCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: errors become one line on stderr and a non-zero exit code. */
    public static CommandLine commandLine() {
        return new CommandLine(new BbehrCli())
                .setExecutionExceptionHandler(BbehrCli::onExecutionError)
                .setParameterExceptionHandler(BbehrCli::onParameterError);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int onExecutionError(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (e instanceof BbehrException known) {
            err.println("bbehr: " + known.describe());
        } else {
            err.println("bbehr: unexpected error (" + e.getClass().getSimpleName() + "): " + e.getMessage());
        }
        err.flush();
        return 1;
    }

    private static int onParameterError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("bbehr: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                + " --help')");
        err.flush();
        return 2;
    }
}
