package org.bbehr.core.crypto;

import org.bouncycastle.crypto.digests.KeccakDigest;

/** Ethereum's keccak256 (the original Keccak, not NIST SHA3-256). */
public final class Keccak {

    private Keccak() {}

    public static Bytes32 hash(byte[]... parts) {
        KeccakDigest digest = new KeccakDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return Bytes32.wrap(out);
    }
}
