package org.bbehr.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.verify.ChainCrossCheck;
import org.bbehr.core.verify.RecordVerifier;
import org.bbehr.core.verify.RootProblem;
import org.bbehr.core.verify.Verdict;
import org.bbehr.core.verify.VerificationReport;
import org.bbehr.core.verify.VerificationStatus;
import org.bbehr.core.verify.VerifyScope;
import org.bbehr.ledger.DeploymentFile;
import org.bbehr.ledger.LedgerConfig;
import org.bbehr.ledger.Web3jLedger;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bbehr verify}: checks stored versions against the chain, like {@code $verify}, from the command line. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify stored record versions against their anchors on chain: every version, one resource's "
                + "versions, or a patient's compartment (Patient/id). Prints a summary and every version not "
                + "verified; exits with 1 when any version is tampered. Stop the node first when its store is "
                + "embedded. Without --rpc-url it starts the dev chain of the data directory.")
final class VerifyCommand implements Runnable {

    @Parameters(arity = "0..1", paramLabel = "Type/id", description = "One resource, or a patient's compartment.")
    String resource;

    @Option(names = "--rpc-url", paramLabel = "URL", description = "The chain's JSON-RPC endpoint.")
    String rpcUrl;

    @Option(names = "--deployment-file", paramLabel = "FILE", description = "The consortium's deployment file.")
    Path deploymentFile;

    @Option(names = "--rpc-ca-file", paramLabel = "PEM", description = "Trust an https --rpc-url only if its "
            + "certificate leads to one of these CA certificates (pinned), not to the JVM's CAs.")
    Path rpcCaFile;

    @Option(names = "--cross-check", paramLabel = "URL", description = "A second JSON-RPC endpoint of the chain "
            + "(another member's node): every root this hospital anchored, and the anchor of every root the store "
            + "holds, must read the same there; exits with 1 on any difference.")
    String crossCheck;

    @Option(names = "--cross-check-ca-file", paramLabel = "PEM", description = "Pinned CA certificates for an https "
            + "--cross-check endpoint.")
    Path crossCheckCaFile;

    @Option(names = "--hospital", paramLabel = "ID",
            description = "This node's hospital id (default with the dev chain: the dev hospital).")
    Integer hospital;

    @Mixin
    StoreOptions storeOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        VerifyScope scope = scope();
        DevChain devChain = rpcUrl == null ? DevChain.start(DevChain.Options.in(storeOptions.dataDir.chainDir())) : null;
        try (Web3jLedger ledger = connect(devChain)) {
            int hospitalId = hospitalId(ledger, devChain != null);
            List<org.bbehr.core.crypto.Bytes32> storedRoots = new ArrayList<>();
            VerificationReport report = storeOptions.apply(store -> {
                RecordVerifier verifier = new RecordVerifier(store.evidence(), ledger, hospitalId);
                ProgressBar progress = new ProgressBar(spec.commandLine().getErr(), verifier.count(scope));
                VerificationReport done = verifier.verify(scope, false, progress::show);
                progress.finish();
                storedRoots.addAll(store.evidence().anchoredRoots(hospitalId));
                return done;
            });
            print(report);
            ChainCrossCheck.Result crossChecked = crossCheck == null ? null : crossCheck(ledger, hospitalId,
                    storedRoots);
            if (report.anyTampered()) {
                throw new BbehrException(ErrorCode.VERIFY_TAMPERED, report.count(VerificationStatus.TAMPERED)
                        + " versions are tampered and " + report.roots().size()
                        + " anchored roots are unaccounted for (listed above)");
            }
            if (crossChecked != null && !crossChecked.agree()) {
                throw new BbehrException(ErrorCode.VERIFY_CHAINS_DISAGREE, crossChecked.differences().size()
                        + " answers of the chain differ between " + (rpcUrl == null ? "the dev chain" : rpcUrl)
                        + " and " + crossCheck + " (listed above): one of them does not tell the truth");
            }
        } finally {
            if (devChain != null) {
                devChain.close();
            }
        }
    }

    private VerifyScope scope() {
        if (resource == null) {
            return VerifyScope.everything();
        }
        ResourceKey key = ResourceKey.parse(resource);
        if (!key.type().equals("Patient")) {
            return VerifyScope.of(List.of(key));
        }
        List<ResourceKey> keys = new ArrayList<>(List.of(key));
        keys.addAll(storeOptions.apply(store -> store.findReferencing(key)));
        return VerifyScope.of(keys);
    }

    /** Compares the chain as the RPC endpoint tells it with the chain as {@code --cross-check} tells it. */
    private ChainCrossCheck.Result crossCheck(Web3jLedger ledger, int hospitalId,
            List<org.bbehr.core.crypto.Bytes32> storedRoots) {
        LedgerConfig config = LedgerConfig.defaults(crossCheck).withCaFile(crossCheckCaFile);
        try (Web3jLedger second = Web3jLedger.connect(config, Credentials.create(createKeyPair()),
                ledger.deployment())) {
            ChainCrossCheck.Result result = ChainCrossCheck.compare(ledger, second, hospitalId, storedRoots);
            PrintWriter out = spec.commandLine().getOut();
            for (ChainCrossCheck.Difference difference : result.differences()) {
                out.println("differs  " + difference);
            }
            out.printf("cross-check with %s up to block %d: %d anchored roots and %d stored roots compared, %d"
                    + " differences%n", crossCheck, result.toBlock(), result.eventsCompared(), result.rootsCompared(),
                    result.differences().size());
            out.flush();
            return result;
        }
    }

    private Web3jLedger connect(DevChain devChain) {
        Credentials reader = Credentials.create(createKeyPair());
        if (devChain != null) {
            return Web3jLedger.connect(LedgerConfig.defaults(devChain.rpcUrl()), reader, devChain.deployment());
        }
        if (deploymentFile == null) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "--rpc-url needs --deployment-file");
        }
        return Web3jLedger.connect(LedgerConfig.defaults(rpcUrl).withCaFile(rpcCaFile), reader,
                DeploymentFile.read(deploymentFile));
    }

    private int hospitalId(Web3jLedger ledger, boolean dev) {
        if (hospital != null) {
            return hospital;
        }
        if (!dev) {
            throw new BbehrException(ErrorCode.INVALID_INPUT, "--hospital is required with --rpc-url");
        }
        Address node = Address.of(DevAccounts.account(DevCommand.NODE_ACCOUNT).getAddress());
        return ledger.findHospitalOfNode(node).orElseThrow(() -> new BbehrException(ErrorCode.ANCHOR_NOT_READY,
                "the dev hospital is not registered on this dev chain"));
    }

    private void print(VerificationReport report) {
        PrintWriter out = spec.commandLine().getOut();
        for (Verdict verdict : report.verdicts()) {
            out.println(verdict.status().code() + "  " + verdict.key() + "/_history/" + verdict.version()
                    + (verdict.reason() == null ? "" : "  " + verdict.reason()));
        }
        for (RootProblem root : report.roots()) {
            out.println("unaccounted root " + root.root() + " (block " + root.block() + ", " + root.leafCount()
                    + " leaves)  " + root.reason());
        }
        out.printf("%d versions: %d verified, %d pending, %d tampered, %d erased%n", report.total(),
                report.count(VerificationStatus.VERIFIED), report.count(VerificationStatus.PENDING),
                report.count(VerificationStatus.TAMPERED), report.count(VerificationStatus.ERASED));
        out.flush();
    }

    /** A throwaway key: verifying only reads the chain. */
    private static org.web3j.crypto.ECKeyPair createKeyPair() {
        try {
            return Keys.createEcKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a key pair", e);
        }
    }

    /** A one-line progress bar on stderr, redrawn in place. */
    private static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final long total;

        ProgressBar(PrintWriter err, long total) {
            this.err = err;
            this.total = Math.max(total, 1);
        }

        void show(long done) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            err.printf("\r[%s%s] %3d%% %,d/%,d versions", "#".repeat(filled), ".".repeat(WIDTH - filled),
                    Math.min(100, done * 100 / total), done, total);
            err.flush();
        }

        void finish() {
            err.println();
            err.flush();
        }
    }
}
