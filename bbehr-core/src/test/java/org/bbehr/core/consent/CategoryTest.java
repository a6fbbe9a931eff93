package org.bbehr.core.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.bbehr.core.BbehrException;
import org.junit.jupiter.api.Test;

class CategoryTest {

    @Test
    void categoriesShouldMatchTheContractsBits() {
        assertThat(Category.DEMOGRAPHICS.bit()).isEqualTo(1L);
        assertThat(Category.LABORATORY.bit()).isEqualTo(1L << 6);
        assertThat(Category.SENSITIVE.bit()).isEqualTo(1L << 12);
        assertThat(Category.values()).hasSize(13);
        assertThat(Category.scopes(Category.CONDITIONS, Category.ALLERGIES)).isEqualTo(0b1100L);
    }

    @Test
    void grantShouldCoverOnlyItsCategoriesBeforeExpiry() {
        // given
        Instant expiry = Instant.parse("2030-01-01T00:00:00Z");
        ConsentGrant grant = new ConsentGrant(Category.scopes(Category.CONDITIONS), Purpose.TREATMENT, expiry, 1,
                expiry.minusSeconds(86_400), Instant.EPOCH);
        // then
        assertThat(grant.covers(Category.CONDITIONS, expiry.minusSeconds(1))).isTrue();
        assertThat(grant.covers(Category.CONDITIONS, expiry)).isFalse();
        assertThat(grant.covers(Category.SENSITIVE, expiry.minusSeconds(1))).isFalse();
    }

    @Test
    void purposeShouldMapItsCodesAndRefuseUnknownOnesForGrants() {
        assertThat(Purpose.fromCode(3)).isEqualTo(Purpose.RESEARCH);
        assertThat(Purpose.fromCode(200)).isEqualTo(Purpose.OTHER);
        assertThatThrownBy(() -> Purpose.requireGrantable(Purpose.OTHER)).isInstanceOf(BbehrException.class);
    }
}
