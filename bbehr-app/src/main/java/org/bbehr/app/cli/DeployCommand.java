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
        description = "Deploy the consortium's contracts (a k-of-n multisig of the hospitals' admins, the timelock "
                + "it proposes to, HospitalDirectory, ConsentRegistry, RecordAnchor) with a keystore's key, and write "
                + "the deployment file.")
final class DeployCommand implements Runnable {

    @Option(names = "--rpc", required = true, paramLabel = "URL", description = "The chain's JSON-RPC URL.")
    String rpcUrl;

    @Mixin
    KeystoreOption keystore;

    @Mixin
    PasswordOption password;

    @Option(names = "--admin", paramLabel = "ADDRESS", required = true,
            description = "A hospital's admin address, an owner of the consortium's multisig; repeat for each "
                    + "(at least two).")
    List<String> admins = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "K", defaultValue = "2",
            description = "How many admins must approve a consortium-admin call (at least 2; default: "
                    + "${DEFAULT-VALUE}).")
    int threshold;

    @Option(names = "--min-delay", paramLabel = "SECONDS", defaultValue = "86400",
            description = "The timelock's delay between an approved admin call and its execution, during which any "
                    + "admin can see it coming (more than 0; default: ${DEFAULT-VALUE}, a day).")
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
        var consortium = new ContractDeployer.Consortium(admins.stream().map(Address::of).toList(), minDelay,
                threshold);
        consortium.requireGoverned();
        var deployer = NodeKeystore.unlock(keystore.path(), password.read(false));
        Deployment deployment = ContractDeployer.deploy(
                LedgerConfig.defaults(rpcUrl).withConfirmations(confirmations), deployer, consortium);
        DeploymentFile.write(out, deployment);
        var printer = spec.commandLine().getOut();
        printer.println("Deployed the BbEHR contracts to " + rpcUrl);
        DeploymentPrinter.print(printer, deployment);
        printer.printf("  deployment file     %s%n", out);
        printer.flush();
    }
}
