package org.bbehr.app.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.junit.jupiter.api.Test;

class HeavyOperationsTest {

    @Test
    void aSecondWholeStoreVerifyShouldBeRefusedWhileOneRunsAndAllowedAfter() {
        // given
        HeavyOperations heavy = new HeavyOperations(2);
        // when: a second one asked while the first runs
        String first = heavy.wholeStore("$verify", () -> {
            assertThatThrownBy(() -> heavy.wholeStore("$verify", () -> "second"))
                    .isInstanceOfSatisfying(BbehrException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_BUSY));
            return "first";
        });
        // then
        assertThat(first).isEqualTo("first");
        assertThat(heavy.wholeStore("$verify", () -> "third")).isEqualTo("third");
    }

    @Test
    void compartmentOperationsShouldRunAsManyAtOnceAsAllowedAndNoMore() {
        HeavyOperations heavy = new HeavyOperations(2);
        assertThat(heavy.compartment("$everything", () -> heavy.compartment("$verify",
                () -> {
                    assertThatThrownBy(() -> heavy.compartment("$everything", () -> "third"))
                            .isInstanceOf(BbehrException.class).hasMessageContaining("(2)");
                    return "two at once";
                }))).isEqualTo("two at once");
    }

    @Test
    void aFailedOperationShouldGiveItsPermitBack() {
        HeavyOperations heavy = new HeavyOperations(1);
        assertThatThrownBy(() -> heavy.compartment("$everything", () -> {
            throw new IllegalStateException("failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(heavy.compartment("$everything", () -> "ran")).isEqualTo("ran");
    }

    @Test
    void busyShouldBeAnswered429WithRetryAfterAndTooLarge422() {
        BaseServerResponseException busy = ErrorTranslation.translate(
                new BbehrException(ErrorCode.OPERATION_BUSY, "busy"));
        assertThat(busy.getStatusCode()).isEqualTo(429);
        assertThat(busy.getResponseHeaders()).containsEntry("Retry-After", List.of("5"));
        assertThat(ErrorTranslation.translate(new BbehrException(ErrorCode.RESULT_TOO_LARGE, "large"))
                .getStatusCode()).isEqualTo(422);
    }
}
