package org.bbehr.core.verify;

import java.util.List;
import java.util.function.Consumer;

/** The store's side of verification: each version's decrypted bytes and salt and its anchoring, in pages. */
public interface EvidenceSource {

    /** How many versions the scope holds (for progress). */
    long count(VerifyScope scope);

    /** Hands every version of the scope to {@code page}, a page at a time, in (type, id, version) order. */
    void forEachPage(VerifyScope scope, Consumer<List<VersionEvidence>> page);
}
