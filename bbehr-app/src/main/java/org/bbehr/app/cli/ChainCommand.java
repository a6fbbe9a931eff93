package org.bbehr.app.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.ledger.devchain.DevChain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bbehr chain}: runs the local development chain until stopped. */
@Command(name = "chain", mixinStandardHelpOptions = true,
        description = "Run a local development chain (anvil) with the contracts deployed; its state is kept in "
                + "the data directory across restarts.")
final class ChainCommand implements Runnable {

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "The JSON-RPC port on 127.0.0.1 (default: a free one).")
    int port;

    @Option(names = "--anvil", paramLabel = "FILE", description = "The anvil executable (default: the project's).")
    Path anvil;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        DevChain chain = DevChain.start(new DevChain.Options(dataDir.chainDir(), anvil, port));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            chain.close();
            stopped.countDown();
        }, "dev-chain-stop"));
        var out = spec.commandLine().getOut();
        out.println("BbEHR dev chain");
        out.printf("  JSON-RPC            %s%n", chain.rpcUrl());
        DeploymentPrinter.print(out, chain.deployment());
        out.printf("  deployment file     %s%n", chain.deploymentFile());
        out.println("Press Ctrl-C to stop; the chain's state is saved in " + dataDir.chainDir() + ".");
        out.flush();
        while (chain.isRunning()) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (stopped.getCount() > 0) {
            throw new BbehrException(ErrorCode.DEV_CHAIN_FAILED, "anvil stopped unexpectedly; see "
                    + dataDir.chainDir().resolve("anvil.log"));
        }
    }
}
