package org.bbehr.core.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import org.bbehr.core.crypto.Bytes32;

/**
 * The record that a resource was erased on purpose: which resource, its versions 1..{@code versions}, why, when and
 * by whom. Anchored as a leaf of kind {@link LeafKind#ERASURE_MARKER}, {@code RecordLeaf(ERASURE_MARKER, hospitalId,
 * key, versions, hash())}, so a missing data key with an anchored marker is an erasure and without one is tampering.
 */
public record ErasureMarker(ResourceKey key, long versions, String reason, String actor, Instant erasedAt,
        byte[] salt) {

    /** The exact bytes hashed: one field a line, free text length-prefixed so no two markers encode alike. */
    public byte[] bytes() {
        return ("erasure\n" + key + "\n" + versions + "\n" + erasedAt + "\n"
                + actor.length() + ":" + actor + "\n" + reason.length() + ":" + reason).getBytes(UTF_8);
    }

    /** {@code keccak256(salt ‖ bytes())}, the marker's content hash. */
    public Bytes32 hash() {
        return ContentHash.of(salt, bytes());
    }
}
