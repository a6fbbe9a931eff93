package org.bbehr.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bbehr.core.BbehrException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"Patient", "Observation", "Ab",
            "AbcdefghijklmnopqrstuvwxyzAbcdefghijklmnopqrstuvwxyzAbcdefghijkl"})
    void typesOfTwoToSixtyFourLettersStartingWithACapitalShouldBeAccepted(String type) {
        // when
        ResourceKey key = new ResourceKey(type, "1");
        // then
        assertThat(key.type()).isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "patient", "Patient1", "Pat-ient", "Pätient", "Patient ", "0bservation",
            "AbcdefghijklmnopqrstuvwxyzAbcdefghijklmnopqrstuvwxyzAbcdefghijklm"})
    void otherTypesShouldBeRefused(String type) {
        assertThatThrownBy(() -> new ResourceKey(type, "1")).isInstanceOf(BbehrException.class)
                .hasMessageContaining("not a resource type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "a", "Z", "abc-DEF.123", "f3b6c1de-3b0e-4d7a-9c55-1d2e3f405162",
            "0123456789012345678901234567890123456789012345678901234567890123"})
    void idsOfOneToSixtyFourLettersDigitsDashesAndDotsShouldBeAccepted(String id) {
        // when
        ResourceKey key = new ResourceKey("Patient", id);
        // then
        assertThat(key.id()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "a_b", "é", "a\n", "%20",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void otherIdsShouldBeRefused(String id) {
        assertThatThrownBy(() -> new ResourceKey("Patient", id)).isInstanceOf(BbehrException.class)
                .hasMessageContaining("not a FHIR id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Patient", "/1", "Patient/", "Patient/1/2"})
    void malformedReferencesShouldBeRefused(String reference) {
        assertThatThrownBy(() -> ResourceKey.parse(reference)).isInstanceOf(BbehrException.class);
    }
}
