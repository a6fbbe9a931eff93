package org.bbehr.ledger;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.consent.Category;
import org.bbehr.core.consent.ConsentGrant;
import org.bbehr.core.consent.Grantee;
import org.bbehr.core.consent.Purpose;
import org.bbehr.core.consent.PatientLink;
import org.bbehr.core.consent.SignedConsent;
import org.bbehr.core.consent.SignedLink;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.directory.Hospital;
import org.bbehr.core.directory.HospitalExchange;
import org.bbehr.core.directory.HospitalStatus;
import org.bbehr.core.directory.KeyType;
import org.bbehr.core.directory.StaffMember;
import org.bbehr.core.directory.StaffRole;
import org.bbehr.core.ledger.Deployment;
import org.bbehr.core.ledger.ConsentLedger;
import org.bbehr.core.ledger.Directory;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.ledger.SignedTransaction;
import org.bbehr.core.ledger.TransactionOutcome;
import org.bbehr.core.record.Anchor;
import org.bbehr.ledger.contracts.HospitalDirectory;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The {@link Ledger} port on any Ethereum JSON-RPC endpoint, through web3j; standard RPC methods only. */
public final class Web3jLedger implements Ledger, Directory, ConsentLedger, AutoCloseable {

    private final Web3j web3j;
    private final Deployment deployment;
    private final ContractSet contracts;
    private final CallEncoder encoder;
    private final EventDecoder events;
    private final TransactionSender sender;
    private final Rpc rpc;

    Web3jLedger(Web3j web3j, Credentials signer, Deployment deployment, LedgerConfig config) {
        this.web3j = web3j;
        this.deployment = deployment;
        this.rpc = new Rpc(config.rpcAttempts(), config.rpcBackoff());
        this.contracts = ContractSet.load(web3j, deployment, signer.getAddress());
        this.encoder = new CallEncoder(contracts);
        this.events = new EventDecoder(deployment);
        this.sender = new TransactionSender(web3j, rpc, signer, deployment.chainId(), config, new RevertDecoder());
    }

    /** Connects to {@code config.rpcUrl()} and checks that the chain is the one the deployment was made on. */
    public static Web3jLedger connect(LedgerConfig config, Credentials signer, Deployment deployment) {
        return connect(Web3j.build(RpcTransport.http(config)), config, signer, deployment);
    }

    static Web3jLedger connect(Web3j web3j, LedgerConfig config, Credentials signer, Deployment deployment) {
        ContractDeployer.requireCurrent(deployment, "of chain " + deployment.chainId() + " (RecordAnchor "
                + deployment.recordAnchor() + ")");
        Rpc rpc = new Rpc(config.rpcAttempts(), config.rpcBackoff());
        if (ContractDeployer.chainId(web3j, rpc, config.rpcUrl()) != deployment.chainId()) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_INVALID, "the chain at " + config.rpcUrl()
                    + " is not chain " + deployment.chainId() + " of the deployment");
        }
        return new Web3jLedger(web3j, signer, deployment, config);
    }

    @Override
    public Deployment deployment() {
        return deployment;
    }

    @Override
    public Address signer() {
        return sender.from();
    }

    @Override
    public long blockNumber() {
        return sender.blockNumber();
    }

    @Override
    public SignedTransaction sign(LedgerCall call) {
        CallEncoder.Encoded encoded = encoder.encode(call);
        return sender.sign(encoded.to(), encoded.data());
    }

    /** Signs and sends in nonce order with concurrent callers; see {@link TransactionSender#signSendAndWait}. */
    @Override
    public TransactionOutcome submit(LedgerCall call) {
        CallEncoder.Encoded encoded = encoder.encode(call);
        return outcome(sender.signSendAndWait(encoded.to(), encoded.data()));
    }

    @Override
    public TransactionOutcome send(SignedTransaction transaction) {
        return outcome(sender.sendAndWait(transaction));
    }

    @Override
    public Optional<TransactionOutcome> findOutcome(Bytes32 transactionHash) {
        return sender.findReceipt(transactionHash).filter(TransactionReceipt::isStatusOK).map(this::outcome);
    }

    @Override
    public boolean isKnown(Bytes32 transactionHash) {
        return sender.isKnown(transactionHash);
    }

    @Override
    public long pendingNonce() {
        return sender.pendingNonce();
    }

    @Override
    public void forgetNonce() {
        sender.resyncNonce();
    }

    @Override
    public Optional<Hospital> findHospital(int hospitalId) {
        HospitalDirectory.Hospital found = view(contracts.directory(),
                contracts.directory().getHospital(BigInteger.valueOf(hospitalId)));
        HospitalStatus status = HospitalStatus.values()[found.status.intValue()];
        if (status == HospitalStatus.NONE) {
            return Optional.empty();
        }
        return Optional.of(new Hospital(hospitalId, Address.of(found.node), status, found.name, found.fhirBaseUrl));
    }

    @Override
    public int hospitalCount() {
        BigInteger count = view(contracts.directory(), contracts.directory().hospitalCount());
        return count.intValueExact();
    }

    @Override
    public HospitalExchange exchangeOf(int hospitalId) {
        HospitalDirectory.Exchange found = view(contracts.directory(),
                contracts.directory().exchangeOf(BigInteger.valueOf(hospitalId)));
        return new HospitalExchange(found.endpoint.isEmpty() ? Optional.empty() : Optional.of(found.endpoint),
                publicKey(found.signingKeyType, found.signingKey), publicKey(found.encryptionKeyType,
                        found.encryptionKey));
    }

    private static Optional<HospitalExchange.PublicKey> publicKey(BigInteger type, byte[] bytes) {
        KeyType keyType = KeyType.values()[type.intValue()];
        return keyType == KeyType.NONE ? Optional.empty() : Optional.of(new HospitalExchange.PublicKey(keyType, bytes));
    }

    @Override
    public OptionalInt findHospitalOfNode(Address node) {
        BigInteger id = view(contracts.directory(), contracts.directory().hospitalOfNode(node.value()));
        return id.signum() == 0 ? OptionalInt.empty() : OptionalInt.of(id.intValueExact());
    }

    @Override
    public boolean isActiveHospital(int hospitalId) {
        return view(contracts.directory(), contracts.directory().isActiveHospital(BigInteger.valueOf(hospitalId)));
    }

    @Override
    public Optional<StaffMember> findStaff(Address staff) {
        var function = contracts.directory().staffOf(staff.value());
        List<Type> values = function.decodeFunctionResponse(
                sender.call(contracts.directory().getContractAddress(), function.encodeFunctionCall()));
        int hospitalId = ((BigInteger) values.get(0).getValue()).intValueExact();
        StaffRole role = StaffRole.values()[((BigInteger) values.get(1).getValue()).intValue()];
        return role == StaffRole.NONE ? Optional.empty() : Optional.of(new StaffMember(staff, hospitalId, role));
    }

    @Override
    public boolean isActiveStaff(Address staff, int hospitalId, StaffRole role) {
        return view(contracts.directory(), contracts.directory().isActiveStaff(
                staff.value(), BigInteger.valueOf(hospitalId), BigInteger.valueOf(role.ordinal())));
    }

    @Override
    public ConsentGrant grantOf(Address patient, Grantee grantee) {
        var grant = view(contracts.consent(), contracts.consent().getGrant(patient.value(), grantee.key()));
        return new ConsentGrant(grant.scopes.longValue(), Purpose.fromCode(grant.purpose.intValue()),
                Instant.ofEpochSecond(grant.expiry.longValue()), grant.counter.longValue(),
                Instant.ofEpochSecond(grant.grantedAt.longValue()), Instant.ofEpochSecond(grant.revokedBefore.longValue()));
    }

    @Override
    public PatientLink linkOf(int hospitalId, Bytes32 patientIdHash) {
        var link = view(contracts.consent(), contracts.consent().linkOf(BigInteger.valueOf(hospitalId),
                patientIdHash.toArray()));
        Address patient = Address.of(link.patient);
        return new PatientLink(patient.equals(Address.ZERO) ? Optional.empty() : Optional.of(patient),
                link.counter.longValue(), Instant.ofEpochSecond(link.linkedAt.longValue()));
    }

    @Override
    public boolean isAuthorized(Address patient, Address practitioner, Category category) {
        return view(contracts.consent(), contracts.consent().isAuthorized(
                patient.value(), practitioner.value(), BigInteger.valueOf(category.ordinal())));
    }

    @Override
    public boolean isHospitalAuthorized(Address patient, int hospitalId, Category category) {
        return view(contracts.consent(), contracts.consent().isHospitalAuthorized(
                patient.value(), BigInteger.valueOf(hospitalId), BigInteger.valueOf(category.ordinal())));
    }

    @Override
    public Bytes32 digestOf(SignedConsent consent) {
        var registry = contracts.consent();
        byte[] digest = switch (consent) {
            case SignedConsent.Grant grant -> view(registry, registry.grantDigest(grant.patient().value(),
                    grant.grantee().key(), BigInteger.valueOf(grant.scopes()),
                    BigInteger.valueOf(grant.purpose().code()), CallEncoder.seconds(grant.expiry()),
                    BigInteger.valueOf(grant.counter()), CallEncoder.seconds(grant.issuedAt()),
                    CallEncoder.seconds(grant.deadline())));
            case SignedConsent.Revoke revoke -> view(registry, registry.revokeDigest(revoke.patient().value(),
                    revoke.grantee().key(), CallEncoder.seconds(revoke.issuedAt()),
                    CallEncoder.seconds(revoke.deadline())));
            case SignedConsent.Cancel cancel -> view(registry, registry.cancelDigest(cancel.patient().value(),
                    cancel.grantee().key(), CallEncoder.seconds(cancel.issuedAt()),
                    CallEncoder.seconds(cancel.deadline())));
        };
        return Bytes32.wrap(digest);
    }

    @Override
    public Bytes32 digestOf(SignedLink link) {
        var registry = contracts.consent();
        return Bytes32.wrap(view(registry, registry.linkDigest(link.patient().value(),
                BigInteger.valueOf(link.hospitalId()), link.patientIdHash().toArray(),
                BigInteger.valueOf(link.counter()), CallEncoder.seconds(link.issuedAt()),
                CallEncoder.seconds(link.deadline()))));
    }

    @Override
    public Optional<Anchor> findAnchor(int hospitalId, Bytes32 root) {
        RecordAnchor.Anchor found = view(contracts.anchor(), contracts.anchor().anchorOf(
                BigInteger.valueOf(Integer.toUnsignedLong(hospitalId)), root.toArray()));
        return found.anchoredAt.signum() == 0 ? Optional.empty() : Optional.of(anchor(hospitalId, found));
    }

    @Override
    public Anchor verify(int hospitalId, Bytes32 root, List<Bytes32> proof, Bytes32 leaf) {
        List<byte[]> path = proof.stream().map(Bytes32::toArray).toList();
        return anchor(hospitalId, view(contracts.anchor(), contracts.anchor().verify(
                BigInteger.valueOf(Integer.toUnsignedLong(hospitalId)), root.toArray(), path, leaf.toArray())));
    }

    @Override
    public List<LedgerEvent> readEvents(long fromBlock, long toBlock) {
        if (toBlock < fromBlock) {
            return List.of();
        }
        EthFilter filter = new EthFilter(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
                Stream.of(deployment.hospitalDirectory(), deployment.consentRegistry(), deployment.recordAnchor(),
                        deployment.multisig()).filter(a -> !a.equals(Address.ZERO)).map(Address::value).toList());
        EthLog response = rpc.send(web3j.ethGetLogs(filter));
        if (response.hasError()) {
            throw new BbehrException(ErrorCode.LEDGER_UNAVAILABLE, "eth_getLogs failed for blocks " + fromBlock + ".."
                    + toBlock + ": " + response.getError().getMessage());
        }
        List<LedgerEvent> decoded = new ArrayList<>();
        for (EthLog.LogResult<?> result : response.getLogs()) {
            if (result.get() instanceof Log log && !log.isRemoved()) {
                events.decode(log).ifPresent(decoded::add);
            }
        }
        decoded.sort(Comparator.comparingLong((LedgerEvent e) -> e.position().blockNumber())
                .thenComparingLong(e -> e.position().logIndex()));
        return decoded;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    private TransactionOutcome outcome(TransactionReceipt receipt) {
        List<LedgerEvent> emitted = receipt.getLogs().stream().flatMap(log -> events.decode(log).stream()).toList();
        return new TransactionOutcome(Bytes32.fromHex(receipt.getTransactionHash()),
                receipt.getBlockNumber().longValueExact(), receipt.getGasUsed().longValueExact(), emitted);
    }

    @SuppressWarnings("unchecked")
    private <T> T view(org.web3j.tx.Contract contract, RemoteFunctionCall<T> function) {
        String result = sender.call(contract.getContractAddress(), function.encodeFunctionCall());
        List<Type> values = function.decodeFunctionResponse(result);
        if (values.isEmpty()) {
            throw new BbehrException(ErrorCode.DEPLOYMENT_INVALID, "no contract answered at "
                    + contract.getContractAddress() + ": is the deployment file for this chain?");
        }
        Type<?> value = values.get(0);
        return (T) (value instanceof org.web3j.abi.datatypes.StaticStruct || value instanceof org.web3j.abi.datatypes.DynamicStruct
                ? value : value.getValue());
    }

    private static Anchor anchor(int hospitalId, RecordAnchor.Anchor found) {
        return new Anchor(hospitalId, Instant.ofEpochSecond(found.anchoredAt.longValue()),
                found.leafCount.intValueExact());
    }
}
