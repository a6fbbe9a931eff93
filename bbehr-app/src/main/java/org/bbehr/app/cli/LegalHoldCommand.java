package org.bbehr.app.cli;

import org.bbehr.core.record.ResourceKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bbehr legal-hold Type/id --on|--off}: while on, the resource cannot be erased. */
@Command(name = "legal-hold", mixinStandardHelpOptions = true,
        description = "Put a resource under legal hold (it cannot be erased) or lift the hold.")
final class LegalHoldCommand implements Runnable {

    static final class State {
        @Option(names = "--on", required = true, description = "Put the resource under legal hold.")
        boolean on;

        @Option(names = "--off", required = true, description = "Lift the legal hold.")
        boolean off;
    }

    @Parameters(paramLabel = "Type/id", description = "The resource, e.g. Patient/123.")
    String resource;

    @ArgGroup(exclusive = true, multiplicity = "1")
    State state;

    @Mixin
    StoreOptions storeOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ResourceKey key = ResourceKey.parse(resource);
        storeOptions.apply(store -> {
            store.setLegalHold(key, state.on);
            return key;
        });
        spec.commandLine().getOut().println(key + (state.on ? " is under legal hold" : " is no longer under legal hold"));
        spec.commandLine().getOut().flush();
    }
}
