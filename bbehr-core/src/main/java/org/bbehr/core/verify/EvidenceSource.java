package org.bbehr.core.verify;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.bbehr.core.anchor.AnchorBatch;
import org.bbehr.core.crypto.Bytes32;

/** The store's side of verification: each version's decrypted bytes and salt and its anchoring, in pages. */
public interface EvidenceSource {

    /** A batch as the store holds it: its manifest (empty when its order was not kept). */
    record StoredBatch(Optional<AnchorBatch.Manifest> manifest) {}

    /** The store's batch of {@code root} under {@code hospitalId}, if it has one. */
    Optional<StoredBatch> findBatch(int hospitalId, Bytes32 root);

    /** The roots of this hospital's batches that the store holds as anchored, oldest first. */
    List<Bytes32> anchoredRoots(int hospitalId);

    /** How many versions the scope holds (for progress). */
    long count(VerifyScope scope);

    /** Hands every version of the scope to {@code page}, a page at a time, in (type, id, version) order. */
    void forEachPage(VerifyScope scope, Consumer<List<VersionEvidence>> page);
}
