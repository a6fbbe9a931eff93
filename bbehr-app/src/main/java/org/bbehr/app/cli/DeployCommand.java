package org.bbehr.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.ledger.ContractDeployer;
import org.bbehr.ledger.DeploymentFile;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.NodeKeystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bbehr deploy}: deploys the consortium's contracts to any JSON-RPC endpoint. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy the consortium's contracts (timelock, HospitalDirectory, ConsentRegistry, "
                + "RecordAnchor) with a keystore's key, and write the deployment file.")
final class DeployCommand implements Runnable {

    @Option(names = "--rpc", required = true, paramLabel = "URL", description = "The chain's JSON-RPC URL.")
    String rpcUrl;

    @Mixin
    KeystoreOption keystore;

    @Mixin
    PasswordOption password;

    @Option(names = "--admin", paramLabel = "ADDRESS",
            description = "A consortium admin (timelock proposer and executor); repeat for several "
                    + "(default: the deploying key's address).")
    List<String> admins = new ArrayList<>();

    @Option(names = "--min-delay", paramLabel = "SECONDS", defaultValue = "0",
            description = "The timelock's delay between proposing and executing an admin call (default: 0).")
    long minDelay;

    @Option(names = "--confirmations", paramLabel = "N", defaultValue = "1",
            description = "Blocks to wait for each deployment transaction (default: 1).")
    int confirmations;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "deployment.json",
            description = "Where to write the deployment file (default: ${DEFAULT-VALUE}).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var deployer = NodeKeystore.unlock(keystore.path(), password.read(false));
        List<Address> adminAddresses = admins.isEmpty()
                ? List.of(Address.of(deployer.getAddress()))
                : admins.stream().map(Address::of).toList();
        Deployment deployment = ContractDeployer.deploy(
                LedgerConfig.defaults(rpcUrl).withConfirmations(confirmations), deployer,
                new ContractDeployer.Consortium(adminAddresses, minDelay));
        DeploymentFile.write(out, deployment);
        var printer = spec.commandLine().getOut();
        printer.println("Deployed the BbEHR contracts to " + rpcUrl);
        DeploymentPrinter.print(printer, deployment);
        printer.printf("  deployment file     %s%n", out);
        printer.flush();
    }
}
