package org.bbehr.app.fhir;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.anchor.AnchorState;
import org.bbehr.core.anchor.AnchorStates;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.verify.EvidenceSource;
import org.bbehr.core.verify.RecordVerifier;

/**
 * What the FHIR server knows of anchoring: each version's anchor state (for {@code meta}) and a verifier for
 * {@code $verify}. A node without a chain or without an anchoring store has neither.
 */
public final class RecordIntegrity {

    public static final RecordIntegrity NONE = new RecordIntegrity(null, null, null, null);

    private final AnchorStates states;
    private final Supplier<RecordVerifier> verifier;
    private final EvidenceSource evidence;
    private final String recordAnchor;

    /**
     * @param states the anchor states, or null
     * @param verifier gives a verifier (it may throw while the node's hospital is unknown), or null
     * @param evidence the store's evidence, for proofs of single versions, or null
     * @param recordAnchor the RecordAnchor contract's address, or null
     */
    public RecordIntegrity(AnchorStates states, Supplier<RecordVerifier> verifier, EvidenceSource evidence,
            String recordAnchor) {
        this.states = states;
        this.verifier = verifier;
        this.evidence = evidence;
        this.recordAnchor = recordAnchor;
    }

    EvidenceSource evidence() {
        if (evidence == null) {
            throw noChain();
        }
        return evidence;
    }

    String recordAnchor() {
        return recordAnchor;
    }

    private static BbehrException noChain() {
        return new BbehrException(ErrorCode.VERIFY_NO_CHAIN, "this node has no chain or no anchoring store, so"
                + " it cannot verify records");
    }

    Optional<AnchorState> stateOf(ResourceKey key, long version) {
        return states == null ? Optional.empty() : states.find(key, version);
    }

    /** The states of several versions, looked up at once. */
    Map<AnchorStates.Version, AnchorState> statesOf(Collection<AnchorStates.Version> versions) {
        return states == null ? Map.of() : states.findAll(versions);
    }

    RecordVerifier verifier() {
        if (verifier == null) {
            throw noChain();
        }
        return verifier.get();
    }
}
