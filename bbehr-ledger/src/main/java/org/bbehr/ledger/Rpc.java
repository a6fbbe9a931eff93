package org.bbehr.ledger;

import java.io.IOException;
import java.time.Duration;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSON-RPC requests, retrying transient failures (connection refused or reset, timeouts, HTTP 5xx and 429)
 * with exponential backoff. An answer with a JSON-RPC error is not transient: it is returned for the caller to read.
 */
final class Rpc {

    private static final Logger log = LoggerFactory.getLogger(Rpc.class);

    private final int attempts;
    private final Duration backoff;

    Rpc(int attempts, Duration backoff) {
        this.attempts = attempts;
        this.backoff = backoff;
    }

    <T extends Response<?>> T send(Request<?, T> request) {
        long pause = backoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return request.send();
            } catch (IOException | ClientConnectionException e) {
                if (attempt >= attempts || !isTransient(e)) {
                    throw new BbehrException(ErrorCode.LEDGER_UNAVAILABLE, "the chain's JSON-RPC endpoint did not answer "
                            + request.getMethod() + " after " + attempt + " attempts: " + e.getMessage(), e);
                }
                log.info("{} failed (attempt {} of {}), retrying in {} ms: {}",
                        request.getMethod(), attempt, attempts, pause, e.getMessage());
                sleep(pause);
                pause *= 2;
            }
        }
    }

    private static boolean isTransient(Exception e) {
        if (e instanceof ClientConnectionException) {
            String message = String.valueOf(e.getMessage());
            return message.contains("429") || message.matches(".*\\b5\\d\\d\\b.*");
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.LEDGER_UNAVAILABLE, "interrupted while waiting for the chain", e);
        }
    }
}
