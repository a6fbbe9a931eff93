package org.bbehr.app.fhir;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Hex;
import org.bbehr.core.record.ContentHash;
import org.bbehr.core.verify.VersionEvidence;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code $proof}: everything a third party needs to check one version on chain alone (docs/verify.md): the exact
 * stored bytes ({@code content}, base64), the {@code salt}, the leaf's fields ({@code hospitalId}, {@code type},
 * {@code id}, {@code version}, {@code contentHash}), the {@code root}, the {@code proof} (one parameter per sibling
 * hash, leaf to root), the {@code transaction} and {@code block}, and the {@code recordAnchor} contract.
 */
final class ProofParameters {

    private ProofParameters() {}

    static Parameters of(VersionEvidence e, String recordAnchor) {
        if (e.content() == null) {
            throw new UnprocessableEntityException("version " + e.version() + " of " + e.key() + " can't be read ("
                    + (e.unreadable() != null ? e.unreadable() : "erased") + "), so there is nothing to prove");
        }
        if (e.leaf() == null || !e.leaf().confirmed()) {
            throw new UnprocessableEntityException("version " + e.version() + " of " + e.key()
                    + " is not anchored yet; ask again in a few seconds");
        }
        Parameters parameters = new Parameters();
        parameters.addParameter("content", new Base64BinaryType(e.content()));
        parameters.addParameter("salt", new StringType(Hex.encode(e.salt())));
        parameters.addParameter("contentHash", new StringType(ContentHash.of(e.salt(), e.content()).toHex()));
        parameters.addParameter("kind", new StringType("record-version"));
        parameters.addParameter("hospitalId", new IntegerType(e.leaf().hospitalId()));
        parameters.addParameter("type", new StringType(e.key().type()));
        parameters.addParameter("id", new StringType(e.key().id()));
        parameters.addParameter("version", new StringType(Long.toString(e.version())));
        parameters.addParameter("root", new StringType(e.leaf().root().toHex()));
        for (Bytes32 sibling : e.leaf().proof()) {
            parameters.addParameter("proof", new StringType(sibling.toHex()));
        }
        parameters.addParameter("transaction", new StringType(e.leaf().transaction().toHex()));
        parameters.addParameter("block", new StringType(Long.toString(e.leaf().block())));
        if (recordAnchor != null) {
            parameters.addParameter("recordAnchor", new StringType(recordAnchor));
        }
        return parameters;
    }
}
