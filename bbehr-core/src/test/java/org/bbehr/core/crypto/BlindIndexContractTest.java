package org.bbehr.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What every {@link BlindIndex} adapter must do. Each adapter's test extends this class. */
public abstract class BlindIndexContractTest {

    /** A new index under a key of its own. */
    protected abstract BlindIndex newIndex();

    @Test
    void equalValuesOfOneKindShouldGiveEqualTokens() {
        // given
        BlindIndex index = newIndex();

        // when
        String token = index.token("identifier", "urn:oid:1.2.3|MRN-4711");

        // then
        assertThat(index.token("identifier", "urn:oid:1.2.3|MRN-4711")).isEqualTo(token);
        assertThat(token).isNotBlank().doesNotContain("MRN-4711");
    }

    @Test
    void kindsValuesAndKeysShouldSeparateTokens() {
        // given
        BlindIndex index = newIndex();
        BlindIndex otherNode = newIndex();

        // then
        assertThat(index.token("name", "alice")).isNotEqualTo(index.token("family", "alice"))
                .isNotEqualTo(index.token("name", "alicf"))
                .isNotEqualTo(otherNode.token("name", "alice"));
        // the separator keeps kind and value apart
        assertThat(index.token("ab", "c")).isNotEqualTo(index.token("a", "bc"));
    }

    @Test
    void tokensShouldStartWithThePrimarysToken() {
        // given
        BlindIndex index = newIndex();

        // then
        assertThat(index.tokens("identifier", "mrn|4711")).first().isEqualTo(index.token("identifier", "mrn|4711"));
    }

    @Test
    void stablePrimaryShouldRunTheWorkAndGiveItsResult() {
        // given
        BlindIndex index = newIndex();

        // when
        String token = index.withStablePrimary(() -> index.token("name", "alice"));

        // then
        assertThat(token).isEqualTo(index.token("name", "alice"));
    }
}
