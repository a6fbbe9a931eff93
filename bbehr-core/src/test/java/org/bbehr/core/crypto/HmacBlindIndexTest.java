package org.bbehr.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The blind-index contract on the HMAC adapter (one key, in memory). */
class HmacBlindIndexTest extends BlindIndexContractTest {

    @Override
    protected BlindIndex newIndex() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new HmacBlindIndex(key);
    }

    @Test
    void tokensShouldBeThePrimarysAlone() {
        // given
        BlindIndex index = newIndex();

        // then
        assertThat(index.tokens("name", "alice")).containsExactly(index.token("name", "alice"));
    }
}
