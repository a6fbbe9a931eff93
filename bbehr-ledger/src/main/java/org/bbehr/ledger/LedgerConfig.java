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
 * @param caFile PEM certificates: the only ones an {@code https} endpoint's chain may lead to (the hospital's own
 *     validator's CA, pinned); {@code null} trusts the JVM's CAs
 */
public record LedgerConfig(
        String rpcUrl,
        int confirmations,
        Duration pollInterval,
        Duration receiptTimeout,
        Duration resendInterval,
        int rpcAttempts,
        Duration rpcBackoff,
        java.nio.file.Path caFile) {

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
                rpcUrl, 1, Duration.ofMillis(50), Duration.ofMinutes(2), Duration.ofSeconds(2), 5, Duration.ofMillis(200),
                null);
    }

    public LedgerConfig withConfirmations(int value) {
        return new LedgerConfig(rpcUrl, value, pollInterval, receiptTimeout, resendInterval, rpcAttempts, rpcBackoff, caFile);
    }

    public LedgerConfig withResendInterval(Duration value) {
        return new LedgerConfig(rpcUrl, confirmations, pollInterval, receiptTimeout, value, rpcAttempts, rpcBackoff, caFile);
    }

    public LedgerConfig withReceiptTimeout(Duration value) {
        return new LedgerConfig(rpcUrl, confirmations, pollInterval, value, resendInterval, rpcAttempts, rpcBackoff, caFile);
    }

    /** With {@code https} endpoints trusted only if their certificate chain leads to one in {@code file}. */
    public LedgerConfig withCaFile(java.nio.file.Path file) {
        return new LedgerConfig(rpcUrl, confirmations, pollInterval, receiptTimeout, resendInterval, rpcAttempts,
                rpcBackoff, file);
    }

    /** The same settings for another endpoint of the chain. */
    public LedgerConfig withRpcUrl(String url) {
        return new LedgerConfig(url, confirmations, pollInterval, receiptTimeout, resendInterval, rpcAttempts,
                rpcBackoff, caFile);
    }
}
