package org.bbehr.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Hex;
import org.bbehr.core.crypto.Keccak;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.ledger.contracts.ConsentRegistry;
import org.bbehr.ledger.contracts.ConsortiumMultisig;
import org.bbehr.ledger.contracts.HospitalDirectory;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.bbehr.ledger.contracts.TimelockController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Deploys the consortium's contracts with standard JSON-RPC only: a TimelockController that holds the consortium
 * admin role (its proposers and executors are the consortium's admins), then HospitalDirectory, ConsentRegistry and
 * RecordAnchor.
 */
public final class ContractDeployer {

    private static final Logger log = LoggerFactory.getLogger(ContractDeployer.class);

    /** Hashed once: the contracts this build deploys; every connection checks its deployment against it. */
    private static final String FINGERPRINT = Keccak.hash(Hex.decode(ConsortiumMultisig.BINARY),
            Hex.decode(TimelockController.BINARY), Hex.decode(HospitalDirectory.BINARY),
            Hex.decode(ConsentRegistry.BINARY), Hex.decode(RecordAnchor.BINARY)).toHex();

    /**
     * Who administers the consortium.
     *
     * @param admins the hospitals' admin addresses: the multisig's owners, or with a threshold of 1 (only
     *     {@code bbehr dev}) the timelock's proposers and executors themselves
     * @param minDelaySeconds the timelock's delay between scheduling and executing
     * @param threshold how many admins must approve a consortium-admin call (k of n)
     */
    public record Consortium(List<Address> admins, long minDelaySeconds, int threshold) {
        public Consortium {
            if (admins.isEmpty()) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "the consortium needs at least one admin");
            }
            if (threshold < 1 || threshold > admins.size() || admins.stream().distinct().count() != admins.size()) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "the consortium's threshold must be between 1 and its"
                        + " " + admins.size() + " distinct admins, not " + threshold);
            }
            admins = List.copyOf(admins);
        }

        /** The single-key consortium of {@code bbehr dev}: one admin, no delay, no multisig. */
        public static Consortium singleKey(Address admin) {
            return new Consortium(List.of(admin), 0, 1);
        }

        /**
         * Refuses what only {@code bbehr dev} may run: a consortium without a k-of-n approval (k at least 2) in front
         * of the timelock, or without a delay.
         */
        public void requireGoverned() {
            if (threshold < 2 || minDelaySeconds <= 0) {
                throw new BbehrException(ErrorCode.INVALID_INPUT, "a consortium needs a k-of-n approval (k >= 2) in"
                        + " front of its timelock and a delay, so that no single key can register, suspend or rotate"
                        + " a hospital: give two or more --admin addresses, --threshold K (2 <= K <= admins) and"
                        + " --min-delay SECONDS > 0 (only bbehr dev runs a single-key consortium); got " + admins.size()
                        + " admin(s), threshold " + threshold + ", delay " + minDelaySeconds + " s");
            }
        }
    }

    private ContractDeployer() {}

    /** Deploys a fresh set of contracts. */
    public static Deployment deploy(LedgerConfig config, Credentials deployer, Consortium consortium) {
        Web3j web3j = Web3j.build(RpcTransport.http(config));
        try {
            Rpc rpc = new Rpc(config.rpcAttempts(), config.rpcBackoff());
            long chainId = chainId(web3j, rpc, config.rpcUrl());
            var sender = new TransactionSender(web3j, rpc, deployer, chainId, config, new RevertDecoder());
            List<org.web3j.abi.datatypes.Address> admins = consortium.admins().stream()
                    .map(a -> new org.web3j.abi.datatypes.Address(a.value())).toList();
            Address multisig = Address.ZERO;
            List<org.web3j.abi.datatypes.Address> proposers = admins;
            List<org.web3j.abi.datatypes.Address> executors = admins;
            if (consortium.threshold() >= 2) {
                // the multisig is the only proposer (and canceller); a ready operation may be executed by anyone
                multisig = Address.of(create(sender, ConsortiumMultisig.BINARY, List.of(
                        new DynamicArray<>(org.web3j.abi.datatypes.Address.class, admins),
                        new Uint16(consortium.threshold()))).getContractAddress());
                proposers = List.of(new org.web3j.abi.datatypes.Address(multisig.value()));
                executors = List.of(new org.web3j.abi.datatypes.Address(Address.ZERO.value()));
            }
            TransactionReceipt timelock = create(sender, TimelockController.BINARY, List.of(
                    new Uint256(consortium.minDelaySeconds()),
                    new DynamicArray<>(org.web3j.abi.datatypes.Address.class, proposers),
                    new DynamicArray<>(org.web3j.abi.datatypes.Address.class, executors),
                    new org.web3j.abi.datatypes.Address(Address.ZERO.value())));
            Address timelockAddress = Address.of(timelock.getContractAddress());
            Address directory = Address.of(create(sender, HospitalDirectory.BINARY,
                    List.of(new org.web3j.abi.datatypes.Address(timelockAddress.value()))).getContractAddress());
            var directoryArgument = List.<Type>of(new org.web3j.abi.datatypes.Address(directory.value()));
            Address consent = Address.of(create(sender, ConsentRegistry.BINARY, directoryArgument).getContractAddress());
            Address anchor = Address.of(create(sender, RecordAnchor.BINARY, directoryArgument).getContractAddress());
            Deployment deployment = new Deployment(chainId, timelockAddress, directory, consent, anchor,
                    timelock.getBlockNumber().longValueExact(), fingerprint(), multisig);
            log.info("deployed the consortium contracts on chain {}: directory {}, consent {}, anchor {}",
                    chainId, directory, consent, anchor);
            return deployment;
        } finally {
            web3j.shutdown();
        }
    }

    /**
     * The fingerprint of the contracts this build deploys: the keccak256 of their creation code, in deployment order.
     * It changes with any change of a contract, so a deployment of other contracts (those of an earlier release)
     * is told apart from this build's.
     */
    public static String fingerprint() {
        return FINGERPRINT;
    }


    /**
     * Refuses a deployment of other contracts than this build's. Nothing carries over from one set of contracts to the
     * next (no one runs the first ones in production), so the message says how to start afresh.
     *
     * @param origin where the deployment comes from, for the message (a file, a data directory)
     */
    public static void requireCurrent(Deployment deployment, String origin) {
        if (!fingerprint().equals(deployment.contracts())) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_OUTDATED, "the deployment " + origin + " is of other"
                    + " contracts than this release's (" + (deployment.contracts().isEmpty()
                            ? "the first contracts, whose anchors any member could take first"
                            : "fingerprint " + deployment.contracts()) + "). This release's contracts replace them"
                    + " and nothing carries over: start afresh with a new data directory (for ./bbehr dev, move or"
                    + " delete the data directory, or pass --data-dir), and on a consortium chain deploy anew with"
                    + " bbehr deploy");
        }
    }

    /**
     * Reuses the deployment in {@code file} if its contracts are on this chain; otherwise deploys and writes the
     * file. A deployment of other contracts than this build's is refused ({@link #requireCurrent}).
     */
    public static Deployment ensureDeployed(LedgerConfig config, Credentials deployer, Consortium consortium,
            Path file) {
        if (Files.isRegularFile(file)) {
            Deployment existing = DeploymentFile.read(file);
            requireCurrent(existing, "in " + file);
            if (isDeployed(config, existing)) {
                return existing;
            }
            log.warn("the contracts of {} are not on the chain at {}; deploying again", file, config.rpcUrl());
        }
        Deployment deployment = deploy(config, deployer, consortium);
        DeploymentFile.write(file, deployment);
        return deployment;
    }

    /** Whether every contract of the deployment has code on the chain at {@code config.rpcUrl()}. */
    public static boolean isDeployed(LedgerConfig config, Deployment deployment) {
        Web3j web3j = Web3j.build(RpcTransport.http(config));
        try {
            Rpc rpc = new Rpc(config.rpcAttempts(), config.rpcBackoff());
            if (chainId(web3j, rpc, config.rpcUrl()) != deployment.chainId()) {
                return false;
            }
            for (Address contract : List.of(deployment.consortiumAdmin(), deployment.hospitalDirectory(),
                    deployment.consentRegistry(), deployment.recordAnchor())) {
                var code = rpc.send(web3j.ethGetCode(contract.value(), DefaultBlockParameterName.LATEST));
                if (code.hasError() || code.getCode() == null || code.getCode().length() <= 2) {
                    return false;
                }
            }
            return true;
        } finally {
            web3j.shutdown();
        }
    }

    private static TransactionReceipt create(TransactionSender sender, String binary, List<Type> arguments) {
        String data = binary + FunctionEncoder.encodeConstructor(arguments);
        return sender.sendAndWait(sender.sign(null, data.startsWith("0x") ? data : "0x" + data));
    }

    static long chainId(Web3j web3j, Rpc rpc, String rpcUrl) {
        var response = rpc.send(web3j.ethChainId());
        if (response.hasError()) {
            throw new BbehrException(ErrorCode.LEDGER_UNAVAILABLE, "eth_chainId failed at " + rpcUrl + ": "
                    + response.getError().getMessage());
        }
        return response.getChainId().longValueExact();
    }

}
