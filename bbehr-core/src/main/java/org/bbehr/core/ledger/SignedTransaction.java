package org.bbehr.core.ledger;

import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;

/**
 * A transaction signed and ready to send. A caller that must survive restarts persists {@code raw} and {@code hash}
 * before sending, and later re-sends exactly these bytes if the chain does not know the hash.
 */
public record SignedTransaction(Bytes32 hash, byte[] raw, Address from, long nonce, long gasLimit) {}
