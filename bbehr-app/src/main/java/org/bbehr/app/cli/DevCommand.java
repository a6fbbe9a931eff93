package org.bbehr.app.cli;

import org.bbehr.app.demo.DemoData;
import org.bbehr.app.node.NodeApplication;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bbehr dev}: everything on one machine with no set-up: the dev chain, an embedded PostgreSQL and one hospital
 * node, all kept under the data directory so a restart finds its data again.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run BbEHR locally with no set-up: a dev chain, an embedded PostgreSQL and one hospital node, "
                + "all kept in the data directory.")
final class DevCommand implements Runnable {

    /** The dev hospital signs with this well-known dev account (account 0 is the consortium admin). */
    static final int NODE_ACCOUNT = 1;

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The node's HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--management-port", paramLabel = "PORT", defaultValue = "9080",
            description = "The management port on 127.0.0.1: health details, metrics, blind-index rotation"
                    + " (default: ${DEFAULT-VALUE}; 0 for a free one).")
    int managementPort;

    @Mixin
    DemoOptions demoOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        long started = System.nanoTime();
        var demo = demoOptions.of(dataDir.dataDir);
        if (demo.isPresent() && DemoData.isFresh(dataDir.dataDir)) {
            demo.get().markPending();
        }
        DevChain chain = DevChain.start(DevChain.Options.in(dataDir.chainDir()));
        Runtime.getRuntime().addShutdownHook(new Thread(chain::close, "dev-chain-stop"));
        int hospitalId = ensureHospital(chain, "http://127.0.0.1:" + port + "/fhir");
        ConfigurableApplicationContext node = NodeApplication.start(
                "--server.port=" + port,
                "--management.server.port=" + managementPort,
                "--bbehr.data-dir=" + dataDir.dataDir.toAbsolutePath(),
                "--bbehr.store.mode=embedded",
                "--bbehr.chain.rpc-url=" + chain.rpcUrl(),
                "--bbehr.chain.deployment-file=" + chain.deploymentFile(),
                "--bbehr.chain.dev-account=" + NODE_ACCOUNT);
        String demoStatus = demo.map(d -> d.loadIfPending("http://127.0.0.1:" + port + "/fhir",
                spec.commandLine().getOut(), spec.commandLine().getErr())).orElse("none (--no-demo)");
        printReady(node, chain, hospitalId, demoStatus, (System.nanoTime() - started) / 1_000_000);
        NodeApplication.awaitClose(node);
    }

    /** Registers the dev hospital on first start; later starts find it by its node address. */
    private static int ensureHospital(DevChain chain, String fhirBaseUrl) {
        Address node = Address.of(DevAccounts.account(NODE_ACCOUNT).getAddress());
        try (Web3jLedger admin = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), DevAccounts.admin(),
                chain.deployment())) {
            var existing = admin.findHospitalOfNode(node);
            if (existing.isPresent()) {
                return existing.getAsInt();
            }
            return admin.administer(new LedgerCall.RegisterHospital(node, "BbEHR Dev Hospital", fhirBaseUrl))
                    .event(org.bbehr.core.ledger.LedgerEvent.HospitalRegistered.class).hospitalId();
        }
    }

    private void printReady(ConfigurableApplicationContext node, DevChain chain, int hospitalId, String demoStatus,
            long millis) {
        var out = spec.commandLine().getOut();
        String base = "http://127.0.0.1:" + port;
        out.println();
        out.println("BbEHR is ready (" + millis + " ms)");
        out.println("  FHIR R4 base       " + base + "/fhir        (try " + base + "/fhir/metadata)");
        String management = "http://127.0.0.1:" + node.getEnvironment().getProperty("local.management.port",
                Integer.toString(managementPort));
        out.println("  health             " + management + "/actuator/health   (readiness: " + base + "/readyz)");
        out.println("  metrics            " + management + "/actuator/prometheus");
        out.println("  chain (JSON-RPC)   " + chain.rpcUrl() + "  hospital #" + hospitalId);
        out.println("  demo data          " + demoStatus);
        out.println("  data               " + dataDir.dataDir.toAbsolutePath() + "  (delete it to start afresh)");
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
