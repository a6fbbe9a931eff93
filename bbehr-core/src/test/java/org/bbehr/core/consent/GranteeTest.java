package org.bbehr.core.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.bbehr.core.BbehrException;
import org.bbehr.core.crypto.Address;
import org.junit.jupiter.api.Test;

class GranteeTest {

    @Test
    void practitionerKeyShouldBeTheAddressAsANumber() {
        // given
        Address bob = Address.of("0x00000000000000000000000000000000000000ff");
        // when / then
        assertThat(Grantee.practitioner(bob).key()).isEqualTo(BigInteger.valueOf(255));
        assertThat(Grantee.fromKey(BigInteger.valueOf(255))).isEqualTo(Grantee.practitioner(bob));
    }

    @Test
    void hospitalKeyShouldSetBit160AboveTheId() {
        // when
        BigInteger key = Grantee.hospital(7).key();
        // then
        assertThat(key).isEqualTo(BigInteger.ONE.shiftLeft(160).add(BigInteger.valueOf(7)));
        assertThat(Grantee.fromKey(key)).isEqualTo(Grantee.hospital(7));
    }

    @Test
    void invalidKeysAndIdsShouldBeRefused() {
        assertThatThrownBy(() -> Grantee.hospital(0)).isInstanceOf(BbehrException.class);
        assertThatThrownBy(() -> Grantee.fromKey(BigInteger.ZERO)).isInstanceOf(BbehrException.class);
        assertThatThrownBy(() -> Grantee.fromKey(BigInteger.ONE.shiftLeft(160))).isInstanceOf(BbehrException.class);
        assertThatThrownBy(() -> Grantee.fromKey(BigInteger.ONE.shiftLeft(161))).isInstanceOf(BbehrException.class);
    }
}
