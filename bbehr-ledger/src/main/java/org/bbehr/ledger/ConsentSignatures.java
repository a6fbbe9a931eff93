package org.bbehr.ledger;

import org.bbehr.core.crypto.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;

/** Signs an EIP-712 digest the way a wallet does, for the patient side (CLI, tests, tools). */
public final class ConsentSignatures {

    private ConsentSignatures() {}

    /** A 65-byte (r ‖ s ‖ v) signature over the digest, as ConsentRegistry expects. */
    public static byte[] sign(Credentials signer, Bytes32 digest) {
        Sign.SignatureData signature = Sign.signMessage(digest.toArray(), signer.getEcKeyPair(), false);
        byte[] bytes = new byte[65];
        System.arraycopy(signature.getR(), 0, bytes, 0, 32);
        System.arraycopy(signature.getS(), 0, bytes, 32, 32);
        bytes[64] = signature.getV()[0];
        return bytes;
    }
}
