package org.bbehr.app.cli;

import org.bbehr.ledger.NodeKeystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bbehr keys show}: prints the keystore's address, optionally checking its password. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Print the address of the node's keystore.")
final class KeysShowCommand implements Runnable {

    @Mixin
    KeystoreOption keystore;

    @Mixin
    PasswordOption password;

    @Option(names = "--check", description = "Also decrypt the keystore, to check the password.")
    boolean check;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var address = check
                ? org.bbehr.core.crypto.Address.of(NodeKeystore.unlock(keystore.path(), password.read(false)).getAddress())
                : NodeKeystore.address(keystore.path());
        var out = spec.commandLine().getOut();
        out.println(address);
        out.flush();
    }
}
