package org.bbehr.app.fhir;

import org.bbehr.core.verify.RootProblem;
import org.bbehr.core.verify.Verdict;
import org.bbehr.core.verify.VerificationReport;
import org.bbehr.core.verify.VerificationStatus;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * A {@code $verify} report as a Parameters resource: one integer per status ({@code verified}, {@code pending},
 * {@code tampered}, {@code erased}), then one {@code version} per reported version with parts {@code reference}
 * ({@code Type/id/_history/n}), {@code status}, {@code reason}, and, when it has one, {@code root},
 * {@code transaction} and {@code block}. At most {@link #LISTED} versions and as many unaccounted roots are listed (the
 * counts are always whole); beyond them a {@code notListed} integer says how many more, which {@code bbehr verify}
 * prints all of.
 */
final class VerifyParameters {

    /** Versions (and roots) listed in one answer at most: a badly damaged store must not make an unbounded one. */
    static final int LISTED = 1_000;

    private VerifyParameters() {}

    static Parameters of(VerificationReport report) {
        Parameters parameters = new Parameters();
        for (VerificationStatus status : VerificationStatus.values()) {
            parameters.addParameter().setName(status.code())
                    .setValue(new IntegerType(Math.toIntExact(report.count(status))));
        }
        for (Verdict verdict : report.verdicts().subList(0, Math.min(LISTED, report.verdicts().size()))) {
            var version = parameters.addParameter().setName("version");
            version.addPart().setName("reference").setValue(new StringType(verdict.key() + "/_history/"
                    + verdict.version()));
            version.addPart().setName("status").setValue(new CodeType(verdict.status().code()));
            if (verdict.reason() != null) {
                version.addPart().setName("reason").setValue(new StringType(verdict.reason()));
            }
            if (verdict.root() != null) {
                version.addPart().setName("root").setValue(new StringType(verdict.root().toHex()));
                version.addPart().setName("transaction").setValue(new StringType(verdict.transaction().toHex()));
            }
            if (verdict.block() > 0) {
                version.addPart().setName("block").setValue(new StringType(Long.toString(verdict.block())));
            }
        }
        for (RootProblem problem : report.roots().subList(0, Math.min(LISTED, report.roots().size()))) {
            var root = parameters.addParameter().setName("unaccountedRoot");
            root.addPart().setName("root").setValue(new StringType(problem.root().toHex()));
            root.addPart().setName("leafCount").setValue(new IntegerType(problem.leafCount()));
            root.addPart().setName("reason").setValue(new StringType(problem.reason()));
            root.addPart().setName("transaction").setValue(new StringType(problem.transaction().toHex()));
            root.addPart().setName("block").setValue(new StringType(Long.toString(problem.block())));
        }
        int notListed = Math.max(0, report.verdicts().size() - LISTED) + Math.max(0, report.roots().size() - LISTED);
        if (notListed > 0) {
            parameters.addParameter().setName("notListed").setValue(new IntegerType(notListed));
        }
        return parameters;
    }
}
