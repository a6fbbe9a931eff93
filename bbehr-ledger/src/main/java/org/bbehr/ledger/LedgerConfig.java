package org.bbehr.ledger;

import java.time.Duration;

/**
 * How a node talks to the chain.
 *
 * @param rpcUrl the JSON-RPC endpoint
 * @param confirmations blocks a transaction's block must have on top of it, counting itself (1: mined)
 * @param pollInterval how often to look for a receipt or a new block
 * @param receiptTimeout how long to wait for a receipt before giving up (the transaction may still be mined later),
 *     and as long again for its confirmations once it has one
 * @param resendInterval how often to check whether a waiting transaction was dropped, and re-send it if so
 * @param rpcAttempts how many times a failing RPC request is tried before the chain counts as unavailable
 * @param rpcBackoff the first pause between attempts; it doubles each time
 */
public record LedgerConfig(
        String rpcUrl,
        int confirmations,
        Duration pollInterval,
        Duration receiptTimeout,
        Duration resendInterval,
        int rpcAttempts,
        Duration rpcBackoff) {

    public LedgerConfig {
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1, got " + confirmations);
        }
        if (rpcAttempts < 1) {
            throw new IllegalArgumentException("rpcAttempts must be at least 1, got " + rpcAttempts);
        }
    }

    /** Sensible defaults: one confirmation (the dev chain mines on demand; QBFT blocks are final at once). */
    public static LedgerConfig defaults(String rpcUrl) {
        return new LedgerConfig(
                rpcUrl, 1, Duration.ofMillis(50), Duration.ofMinutes(2), Duration.ofSeconds(2), 5, Duration.ofMillis(200));
    }

    public LedgerConfig withConfirmations(int value) {
        return new LedgerConfig(rpcUrl, value, pollInterval, receiptTimeout, resendInterval, rpcAttempts, rpcBackoff);
    }

    public LedgerConfig withResendInterval(Duration value) {
        return new LedgerConfig(rpcUrl, confirmations, pollInterval, receiptTimeout, value, rpcAttempts, rpcBackoff);
    }

    public LedgerConfig withReceiptTimeout(Duration value) {
        return new LedgerConfig(rpcUrl, confirmations, pollInterval, value, resendInterval, rpcAttempts, rpcBackoff);
    }
}
