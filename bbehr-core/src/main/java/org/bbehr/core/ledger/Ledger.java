package org.bbehr.core.ledger;

import java.util.List;
import java.util.Optional;
import org.bbehr.core.consent.SignedConsent;
import org.bbehr.core.consent.SignedLink;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.Anchor;

/**
 * The consortium chain as a node sees it: its contracts' calls, the anchors' views and the events. The directory's and
 * the consents' state are ports of their own, {@link Directory} and {@link ConsentLedger}, which the chain's client
 * answers by calls and {@link LedgerMirror} from the events. Calls are signed by the node's
 * key. A failed call throws {@link LedgerRevertException} with the decoded custom error; an unreachable chain
 * throws a {@link org.bbehr.core.BbehrException} with {@link org.bbehr.core.ErrorCode#LEDGER_UNAVAILABLE}.
 */
public interface Ledger {

    Deployment deployment();

    /** The address that signs this ledger's transactions. */
    Address signer();

    long blockNumber();

    /**
     * Checks the call against the chain (a refusal throws here), assigns the next nonce and signs it. Nothing is
     * sent: the caller may persist the result before {@link #send}.
     */
    SignedTransaction sign(LedgerCall call);

    /**
     * Sends the signed bytes (again, if they were sent before), waits for the receipt and the configured number of
     * confirmations, re-sending the same bytes if the transaction is dropped meanwhile.
     */
    TransactionOutcome send(SignedTransaction transaction);

    default TransactionOutcome submit(LedgerCall call) {
        return send(sign(call));
    }

    /** The outcome of a mined transaction, if the chain has it. */
    Optional<TransactionOutcome> findOutcome(Bytes32 transactionHash);

    /** Whether the chain knows the transaction, mined or waiting in its pool. */
    boolean isKnown(Bytes32 transactionHash);

    /** The next nonce the chain expects from the signer, counting transactions waiting in its pool. */
    long pendingNonce();

    /**
     * Forgets the nonce this ledger would sign with next, so that the next signature asks the chain: for after the
     * chain rolled back or lost transactions of the signer.
     */
    void forgetNonce();

    /** Runs a consortium-admin call through the timelock when its delay is zero: schedule, then execute. */
    default TransactionOutcome administer(LedgerCall.DirectoryCall call) {
        Bytes32 salt = Bytes32.random();
        submit(new LedgerCall.Schedule(call, salt, 0));
        return submit(new LedgerCall.Execute(call, salt));
    }

    // ConsentRegistry (its state is read through ConsentLedger)
    /** The EIP-712 digest the patient signs for this grant, revoke or cancel (its signature bytes are ignored). */
    Bytes32 digestOf(SignedConsent consent);

    /** The EIP-712 digest the patient (and, for a re-link, the linked address) signs for this link. */
    Bytes32 digestOf(SignedLink link);

    // RecordAnchor
    /** The root as {@code hospitalId} anchored it; empty when that hospital never did. */
    Optional<Anchor> findAnchor(int hospitalId, Bytes32 root);

    /** Verifies a leaf against a root as {@code hospitalId} anchored it; throws for an unknown root or a wrong proof. */
    Anchor verify(int hospitalId, Bytes32 root, List<Bytes32> proof, Bytes32 leaf);

    /** Reads the contracts' events of blocks {@code fromBlock..toBlock} (inclusive), in chain order. */
    List<LedgerEvent> readEvents(long fromBlock, long toBlock);
}
