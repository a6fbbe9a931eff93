package org.bbehr.app.cli;

import org.bbehr.core.record.ResourceKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bbehr erase Type/id}: makes every version of a resource unreadable for ever. */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Erase a resource: delete its data keys so that every version becomes unreadable for ever. "
                + "Refused under legal hold. An erasure marker (resource, versions, reason, time, who) is anchored on "
                + "chain by the node, so the erasure is told apart from tampering. Old backups keep the wrapped key "
                + "until the key-encryption key that "
                + "wrapped it is rotated and retired (docs/keys.md).")
final class EraseCommand implements Runnable {

    @Parameters(paramLabel = "Type/id", description = "The resource, e.g. Patient/123.")
    String resource;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the erasure log).")
    String reason;

    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "${sys:user.name}",
            description = "Who erases (default: the OS user).")
    String actor;

    @Mixin
    StoreOptions storeOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ResourceKey key = ResourceKey.parse(resource);
        if (reason.isBlank()) {
            throw new org.bbehr.core.BbehrException(org.bbehr.core.ErrorCode.INVALID_INPUT, "--reason must say why");
        }
        storeOptions.apply(store -> {
            store.erase(key, reason, actor);
            return key;
        });
        spec.commandLine().getOut().println(key + " erased: its data keys are deleted and no version can be read;"
                + " its erasure marker is anchored by the node (docs/verify.md).");
        spec.commandLine().getOut().flush();
    }
}
