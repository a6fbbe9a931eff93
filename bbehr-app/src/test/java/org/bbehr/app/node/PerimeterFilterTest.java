package org.bbehr.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PerimeterFilterTest {

    @Test
    void hostOfShouldDropThePortTheBracketsTheCaseAndATrailingDot() {
        assertThat(PerimeterFilter.hostOf("127.0.0.1:8080")).isEqualTo("127.0.0.1");
        assertThat(PerimeterFilter.hostOf("[::1]:8080")).isEqualTo("::1");
        assertThat(PerimeterFilter.hostOf("[::1]")).isEqualTo("::1");
        assertThat(PerimeterFilter.hostOf("EHR.Hospital.Example.")).isEqualTo("ehr.hospital.example");
        assertThat(PerimeterFilter.hostOf(" localhost:80 ")).isEqualTo("localhost");
    }

    @Test
    void hostOfAnUnclosedBracketShouldMatchNoHost() {
        assertThat(PerimeterFilter.hostOf("[::1:8080")).isEmpty();
    }

    @Test
    void allowedHostsShouldBeTheLoopbackNamesAndTheConfiguredOnes() {
        assertThat(new PerimeterFilter(List.of("EHR.hospital.example", " ", "[fd00::1]")).allowedHosts())
                .containsExactlyInAnyOrder("localhost", "127.0.0.1", "::1", "ehr.hospital.example", "fd00::1");
    }
}
