package org.bbehr.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whether two validators find the same issues: of how many records their OperationOutcomes are identical (every
 * issue, severity, message and location), and how many records have errors by the first.
 */
record Agreement(int records, int identical, int withErrors) {

    static Agreement of(Candidate first, Candidate second, List<Resource> records, FhirContext context) {
        IParser json = context.newJsonParser();
        int identical = 0;
        int withErrors = 0;
        for (Resource record : records) {
            OperationOutcome outcome = first.validate(record);
            if (json.encodeResourceToString(outcome).equals(json.encodeResourceToString(second.validate(record)))) {
                identical++;
            }
            if (outcome.getIssue().stream().anyMatch(issue -> issue.getSeverity() == IssueSeverity.ERROR
                    || issue.getSeverity() == IssueSeverity.FATAL)) {
                withErrors++;
            }
        }
        return new Agreement(records.size(), identical, withErrors);
    }
}
