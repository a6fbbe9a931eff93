package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.verify.Verdict;
import org.bbehr.core.verify.VerificationReport;
import org.bbehr.core.verify.VerificationStatus;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;

class VerifyParametersTest {

    static VerificationReport tampered(int versions) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < versions; i++) {
            verdicts.add(new Verdict(new ResourceKey("Observation", "o-" + i), 1, VerificationStatus.TAMPERED,
                    "content changed", null, null, 0));
        }
        return new VerificationReport(Map.of(VerificationStatus.TAMPERED, (long) versions), verdicts);
    }

    @Test
    void aBadlyDamagedStoreShouldListAThousandVersionsAndSayHowManyMore() {
        // when
        Parameters answer = VerifyParameters.of(tampered(VerifyParameters.LISTED + 234));
        // then: the counts are whole, the list bounded
        assertThat(((IntegerType) answer.getParameter("tampered").getValue()).getValue())
                .isEqualTo(VerifyParameters.LISTED + 234);
        assertThat(answer.getParameter().stream().filter(p -> p.getName().equals("version"))).hasSize(1_000);
        assertThat(((IntegerType) answer.getParameter("notListed").getValue()).getValue()).isEqualTo(234);
    }

    @Test
    void aReportWithinTheBoundShouldListEveryVersionAndNoNotListed() {
        Parameters answer = VerifyParameters.of(tampered(3));
        assertThat(answer.getParameter().stream().filter(p -> p.getName().equals("version"))).hasSize(3);
        assertThat(answer.getParameter("notListed")).isNull();
    }
}
