package org.bbehr.app.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.BlindIndex;
import org.junit.jupiter.api.Test;

class ProtectedFieldsTest {

    final BlindIndex blindIndex = new org.bbehr.core.crypto.HmacBlindIndex(new byte[32]);
    final ProtectedFields fields = new ProtectedFields(blindIndex);

    @Test
    void tokensShouldBeKeyedByTypeAndParameterSoTheyDoNotLinkAcrossThem() {
        // (before, a surname gave the same tokens as any person's family name, given name or name)
        assertThat(fields.nameTokens("Patient", "family", "Smith"))
                .doesNotContainAnyElementsOf(fields.nameTokens("Practitioner", "family", "Smith"))
                .doesNotContainAnyElementsOf(fields.nameTokens("Patient", "given", "Smith"))
                .doesNotContainAnyElementsOf(fields.nameTokens("Patient", "name", "Smith"));
        assertThat(fields.birthDateTokens("Patient", "birthdate", "1970-01-01"))
                .doesNotContainAnyElementsOf(fields.birthDateTokens("RelatedPerson", "birthdate", "1970-01-01"));
    }

    @Test
    void namesShouldGetPrefixesFromThreeLettersAndShortWordsThemselves() {
        assertThat(fields.nameTokens("Patient", "family", "Smith")).hasSize(3)
                .containsExactly(fields.token("Patient", "family", "smi"), fields.token("Patient", "family", "smit"),
                        fields.token("Patient", "family", "smith"));
        assertThat(fields.nameTokens("Patient", "family", "Li")).containsExactly(fields.token("Patient", "family",
                "li"));
        assertThat(fields.nameTokens("Patient", "given", "J")).containsExactly(fields.token("Patient", "given", "j"));
    }

    @Test
    void birthDatesShouldGetAYearAndADayTokenAndAMonthSearchShouldBeRefused() {
        assertThat(fields.birthDateTokens("Patient", "birthdate", "1970-03-04")).containsExactly(
                fields.token("Patient", "birthdate", "1970"), fields.token("Patient", "birthdate", "1970-03-04"));
        assertThat(fields.birthDateTokens("Patient", "birthdate", "1970-03")).containsExactly(
                fields.token("Patient", "birthdate", "1970"));
        assertThatThrownBy(() -> fields.birthDateQueryTokens("Patient", "birthdate", "1970-03"))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SEARCH_PROTECTED_FIELD))
                .hasMessageContaining("a month is not indexed");
    }

    @Test
    void searchesShouldStillFindValuesIndexedBeforeTokensWereKeyedByType() {
        // given: a token as the release before stored it, keyed by the parameter alone
        String before = blindIndex.token("search:family", "smi");
        // then
        assertThat(fields.nameQueryTokens("Patient", "family", "smi")).contains(before)
                .contains(fields.token("Patient", "family", "smi"));
    }
}
