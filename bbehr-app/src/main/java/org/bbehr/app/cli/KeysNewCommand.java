package org.bbehr.app.cli;

import org.bbehr.core.crypto.Address;
import org.bbehr.ledger.NodeKeystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bbehr keys new}: creates a node key in an encrypted Web3 Secret Storage keystore. */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Create a new node key in an encrypted keystore and print its address.")
final class KeysNewCommand implements Runnable {

    @Mixin
    KeystoreOption keystore;

    @Mixin
    PasswordOption password;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Address address = NodeKeystore.create(keystore.path(), password.read(true));
        var out = spec.commandLine().getOut();
        out.println(address);
        out.println("keystore written to " + keystore.path() + " (back it up: without it and its password the "
                + "node cannot sign)");
        out.flush();
    }
}
