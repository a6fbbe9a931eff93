package org.bbehr.app.cli;

import java.io.PrintWriter;
import org.bbehr.core.ledger.Deployment;

/** Prints a deployment the same way for every command. */
final class DeploymentPrinter {

    private DeploymentPrinter() {}

    static void print(PrintWriter out, Deployment deployment) {
        out.printf("  chain id            %d%n", deployment.chainId());
        out.printf("  consortium admin    %s (timelock)%n", deployment.consortiumAdmin());
        if (deployment.hasMultisig()) {
            out.printf("  multisig            %s (the timelock's only proposer)%n", deployment.multisig());
        }
        out.printf("  HospitalDirectory   %s%n", deployment.hospitalDirectory());
        out.printf("  ConsentRegistry     %s%n", deployment.consentRegistry());
        out.printf("  RecordAnchor        %s%n", deployment.recordAnchor());
        out.printf("  deploy block        %d%n", deployment.deployBlock());
    }
}
