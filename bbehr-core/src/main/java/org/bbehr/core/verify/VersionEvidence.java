package org.bbehr.core.verify;

import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.record.ErasureMarker;
import org.bbehr.core.record.ResourceKey;

/**
 * Everything the store holds about one version that bears on its integrity.
 *
 * @param salt the decrypted salt, null when the version can't be read
 * @param content the decrypted stored bytes, null when the version can't be read
 * @param unreadable why the version can't be read (altered ciphertext, missing row, missing data key), else null
 * @param erased whether the resource is marked erased and its data key is gone
 * @param erasure the resource's erasure marker and its anchoring, null when there is none
 * @param pendingHash the content hash waiting in the outbox, null when the version is not waiting
 * @param leaf the version's leaf in a batch, null when it is in none
 * @param indexProblem for a current version, why its index rows are not the ones written with it (rows edited,
 *     added or removed in the database), else null
 */
public record VersionEvidence(ResourceKey key, long version, byte[] salt, byte[] content, String unreadable,
        boolean erased, Erasure erasure, Bytes32 pendingHash, AnchoredLeaf leaf, String indexProblem) {

    /** Evidence with nothing wrong in the version's index rows (or none to check). */
    public VersionEvidence(ResourceKey key, long version, byte[] salt, byte[] content, String unreadable,
            boolean erased, Erasure erasure, Bytes32 pendingHash, AnchoredLeaf leaf) {
        this(key, version, salt, content, unreadable, erased, erasure, pendingHash, leaf, null);
    }

    /**
     * A resource's erasure marker, with the same anchoring evidence as a version.
     *
     * @param sealed whether the marker carries the node's seal (made under its key-encryption key when it erased):
     *     one without was made up in the database
     */
    public record Erasure(ErasureMarker marker, Bytes32 pendingHash, AnchoredLeaf leaf, boolean sealed) {}
}
