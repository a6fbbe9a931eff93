package org.bbehr.app.fhir;

import org.bbehr.core.anchor.AnchorState;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.StringType;

/**
 * The anchor extension in a version's {@code meta}, added on read and never stored: status ({@code pending} or
 * {@code anchored}) and, once anchored, the transaction, block and Merkle root.
 */
final class AnchorMeta {

    static final String URL = "https://bbehr.org/fhir/StructureDefinition/anchor";

    private AnchorMeta() {}

    static void add(Meta meta, AnchorState state) {
        Extension anchor = meta.addExtension().setUrl(URL);
        anchor.addExtension("status", new CodeType(state.anchored() ? "anchored" : "pending"));
        if (state.anchored()) {
            anchor.addExtension("transaction", new StringType(state.transaction().toHex()));
            if (state.block() > 0) {
                anchor.addExtension("block", new StringType(Long.toString(state.block())));
            }
            anchor.addExtension("root", new StringType(state.root().toHex()));
        }
    }

    /** Drops an anchor extension a client sent back (it describes an old version, and is never stored). */
    static void strip(Meta meta) {
        meta.getExtension().removeIf(e -> URL.equals(e.getUrl()));
    }
}
