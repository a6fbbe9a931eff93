package org.bbehr.core.verify;

/** The outcome of verifying one version. */
public enum VerificationStatus {
    /** Its content hash is in a root anchored on chain by this node's hospital. */
    VERIFIED,
    /** Stored intact, not anchored yet. */
    PENDING,
    /** Its stored bytes, proof, anchor record or data key were changed or removed. */
    TAMPERED,
    /** Erased on purpose, with an anchored erasure marker. */
    ERASED;

    /** The code used in reports, e.g. {@code verified}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
