package org.bbehr.ledger;

import java.math.BigInteger;
import java.util.Optional;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Hex;
import org.bbehr.core.ledger.SignedTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Signs, sends and follows transactions of one key: nonces safe for concurrent callers, estimated gas, receipts
 * awaited with confirmations, dropped transactions re-sent with the same bytes, reverts decoded.
 */
final class TransactionSender {

    private static final Logger log = LoggerFactory.getLogger(TransactionSender.class);

    private final Web3j web3j;
    private final Rpc rpc;
    private final Credentials credentials;
    private final long chainId;
    private final LedgerConfig config;
    private final RevertDecoder revertDecoder;
    private final Object nonceLock = new Object();
    private long nextNonce = -1;

    TransactionSender(Web3j web3j, Rpc rpc, Credentials credentials, long chainId, LedgerConfig config,
            RevertDecoder revertDecoder) {
        this.web3j = web3j;
        this.rpc = rpc;
        this.credentials = credentials;
        this.chainId = chainId;
        this.config = config;
        this.revertDecoder = revertDecoder;
    }

    Address from() {
        return Address.of(credentials.getAddress());
    }

    /** Estimates gas (a refusal throws the decoded revert), takes the next nonce and signs. Sends nothing. */
    SignedTransaction sign(String to, String data) {
        BigInteger gasLimit = estimateGas(to, data);
        BigInteger gasPrice = gasPrice();
        synchronized (nonceLock) {
            return signWithNextNonce(to, data, gasLimit, gasPrice);
        }
    }

    /**
     * Signs and broadcasts under the lock that hands out nonces, so that this signer's transactions reach the chain
     * in nonce order even from concurrent callers (a chain that mines on arrival, like the dev chain, would otherwise
     * hold a transaction that arrived before its predecessor until the next one came), then waits for it.
     */
    TransactionReceipt signSendAndWait(String to, String data) {
        BigInteger gasLimit = estimateGas(to, data);
        BigInteger gasPrice = gasPrice();
        SignedTransaction transaction;
        synchronized (nonceLock) {
            transaction = signWithNextNonce(to, data, gasLimit, gasPrice);
            broadcast(transaction);
        }
        return awaitReceipt(transaction);
    }

    private SignedTransaction signWithNextNonce(String to, String data, BigInteger gasLimit, BigInteger gasPrice) {
        long nonce = takeNonce();
        RawTransaction raw = to == null
                ? RawTransaction.createContractTransaction(
                        BigInteger.valueOf(nonce), gasPrice, gasLimit, BigInteger.ZERO, data)
                : RawTransaction.createTransaction(
                        BigInteger.valueOf(nonce), gasPrice, gasLimit, to, BigInteger.ZERO, data);
        byte[] signed = TransactionEncoder.signMessage(raw, chainId, credentials);
        return new SignedTransaction(Bytes32.wrap(Hash.sha3(signed)), signed, from(), nonce, gasLimit.longValueExact());
    }

    /** Broadcasts the bytes; a chain that already has them is fine. */
    void broadcast(SignedTransaction transaction) {
        EthSendTransaction sent = rpc.send(web3j.ethSendRawTransaction(Hex.encode(transaction.raw())));
        if (!sent.hasError()) {
            return;
        }
        String message = String.valueOf(sent.getError().getMessage()).toLowerCase();
        if (message.contains("already known") || message.contains("known transaction")
                || message.contains("already imported")) {
            return;
        }
        // sent before: mined already, or in a block the chain is still sealing (its receipt not yet visible)
        if (message.contains("nonce too low")
                && (findReceipt(transaction.hash()).isPresent() || isKnown(transaction.hash()))) {
            return;
        }
        resyncNonce();
        ErrorCode code = message.contains("nonce") ? ErrorCode.LEDGER_NONCE_CONFLICT : ErrorCode.LEDGER_REJECTED;
        throw new BbehrException(code, "the chain refused transaction " + transaction.hash() + ": "
                + sent.getError().getMessage());
    }

    /**
     * Sends (or re-sends) the transaction and waits for its receipt and confirmations. While waiting, a transaction
     * the chain no longer knows is re-sent with the same bytes.
     */
    TransactionReceipt sendAndWait(SignedTransaction transaction) {
        broadcast(transaction);
        return awaitReceipt(transaction);
    }

    /** Waits for a broadcast transaction's receipt and confirmations, re-sending it if the chain forgets it. */
    private TransactionReceipt awaitReceipt(SignedTransaction transaction) {
        long deadline = System.nanoTime() + config.receiptTimeout().toNanos();
        long nextResendCheck = System.nanoTime() + config.resendInterval().toNanos();
        long pause = 1; // ms: chains that mine at once answer in a few; back off to the configured interval
        while (true) {
            Optional<TransactionReceipt> receipt = findReceipt(transaction.hash());
            if (receipt.isPresent()) {
                TransactionReceipt confirmed = awaitConfirmations(transaction, receipt.get());
                if (confirmed != null) {
                    requireSuccess(transaction, confirmed);
                    return confirmed;
                }
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new BbehrException(ErrorCode.LEDGER_TIMEOUT, "transaction " + transaction.hash()
                        + " was not mined within " + config.receiptTimeout().toSeconds() + " s");
            }
            if (System.nanoTime() > nextResendCheck) {
                nextResendCheck = System.nanoTime() + config.resendInterval().toNanos();
                if (!isKnown(transaction.hash())) {
                    log.warn("transaction {} (nonce {}) was dropped; re-sending the same bytes",
                            transaction.hash(), transaction.nonce());
                    broadcast(transaction);
                }
            }
            Rpc.sleep(pause);
            pause = Math.min(pause * 2, config.pollInterval().toMillis());
        }
    }

    Optional<TransactionReceipt> findReceipt(Bytes32 hash) {
        var response = rpc.send(web3j.ethGetTransactionReceipt(hash.toHex()));
        return response.hasError() ? Optional.empty() : response.getTransactionReceipt();
    }

    boolean isKnown(Bytes32 hash) {
        var response = rpc.send(web3j.ethGetTransactionByHash(hash.toHex()));
        return !response.hasError() && response.getTransaction().isPresent();
    }

    long blockNumber() {
        var response = rpc.send(web3j.ethBlockNumber());
        requireNoError(response, "eth_blockNumber");
        return response.getBlockNumber().longValueExact();
    }

    /** An eth_call at the latest block; a revert throws the decoded error. */
    String call(String to, String data) {
        return call(to, data, DefaultBlockParameterName.LATEST);
    }

    private String call(String to, String data, DefaultBlockParameter block) {
        EthCall response = rpc.send(web3j.ethCall(
                Transaction.createEthCallTransaction(credentials.getAddress(), to, data), block));
        if (response.hasError()) {
            throw revertDecoder.decode(response.getError()).map(BbehrException.class::cast)
                    .orElseGet(() -> unavailable("eth_call", response.getError()));
        }
        if (response.isReverted()) {
            throw revertDecoder.decode(response.getValue());
        }
        return response.getValue();
    }

    /**
     * Waits until the receipt's block has the configured confirmations, for at most the receipt timeout: a chain
     * that stops making blocks fails the wait instead of holding the caller for ever.
     *
     * @return the receipt, or null when its block was replaced meanwhile (the caller waits for the new receipt)
     */
    private TransactionReceipt awaitConfirmations(SignedTransaction transaction, TransactionReceipt receipt) {
        long target = receipt.getBlockNumber().longValueExact() + config.confirmations() - 1;
        long deadline = System.nanoTime() + config.receiptTimeout().toNanos();
        while (blockNumber() < target) {
            if (System.nanoTime() > deadline) {
                throw new BbehrException(ErrorCode.LEDGER_TIMEOUT, "transaction " + transaction.hash()
                        + " was mined in block " + receipt.getBlockNumber() + " but did not reach "
                        + config.confirmations() + " confirmations within " + config.receiptTimeout().toSeconds()
                        + " s: the chain makes no new blocks");
            }
            Rpc.sleep(config.pollInterval().toMillis());
        }
        // the block may have been replaced meanwhile (with one confirmation too, between the two reads): only a
        // receipt still in the same block counts
        Optional<TransactionReceipt> again = findReceipt(transaction.hash());
        if (again.isPresent() && again.get().getBlockHash().equals(receipt.getBlockHash())) {
            return again.get();
        }
        log.warn("transaction {} left block {} before it was confirmed; waiting again",
                transaction.hash(), receipt.getBlockNumber());
        return null;
    }

    private void requireSuccess(SignedTransaction transaction, TransactionReceipt receipt) {
        if (receipt.isStatusOK()) {
            return;
        }
        // replay the call on the state before its block to learn why it failed
        RawTransaction raw = TransactionDecoder.decode(Hex.encode(transaction.raw()));
        BigInteger before = receipt.getBlockNumber().subtract(BigInteger.ONE);
        call(raw.getTo(), raw.getData(), DefaultBlockParameter.valueOf(before));
        throw new BbehrException(ErrorCode.LEDGER_REVERTED, "transaction " + transaction.hash()
                + " failed on chain in block " + receipt.getBlockNumber() + " without a reason");
    }

    private BigInteger estimateGas(String to, String data) {
        EthEstimateGas estimate = rpc.send(web3j.ethEstimateGas(
                Transaction.createEthCallTransaction(credentials.getAddress(), to, data)));
        if (estimate.hasError()) {
            throw revertDecoder.decode(estimate.getError()).map(BbehrException.class::cast)
                    .orElseGet(() -> new BbehrException(ErrorCode.LEDGER_REJECTED,
                            "the chain refused to estimate gas: " + estimate.getError().getMessage()));
        }
        BigInteger amount = estimate.getAmountUsed();
        return amount.add(amount.divide(BigInteger.valueOf(5))).add(BigInteger.valueOf(10_000));
    }

    private BigInteger gasPrice() {
        var response = rpc.send(web3j.ethGasPrice());
        requireNoError(response, "eth_gasPrice");
        BigInteger price = response.getGasPrice();
        // headroom for a rising base fee between signing and mining; zero stays zero (gas-free consortium chains)
        return price.add(price.divide(BigInteger.valueOf(4)));
    }

    private long takeNonce() {
        if (nextNonce < 0) {
            nextNonce = pendingNonce();
        }
        return nextNonce++;
    }

    void resyncNonce() {
        synchronized (nonceLock) {
            nextNonce = -1;
        }
    }

    long pendingNonce() {
        var response = rpc.send(web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING));
        requireNoError(response, "eth_getTransactionCount");
        return response.getTransactionCount().longValueExact();
    }

    private static void requireNoError(Response<?> response, String method) {
        if (response.hasError()) {
            throw unavailable(method, response.getError());
        }
    }

    private static BbehrException unavailable(String method, Response.Error error) {
        return new BbehrException(ErrorCode.LEDGER_UNAVAILABLE, method + " failed: " + error.getMessage());
    }

    /** The block's timestamp, for checks against the chain's clock. */
    long blockTimestamp(long blockNumber) {
        EthBlock block = rpc.send(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(blockNumber)), false));
        requireNoError(block, "eth_getBlockByNumber");
        return block.getBlock().getTimestamp().longValueExact();
    }
}
