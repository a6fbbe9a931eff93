package org.bbehr.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void addressShouldBeNormalizedToLowerCaseWithPrefix() {
        assertThat(Address.of("0xAbCdEf0000000000000000000000000000000001").value())
                .isEqualTo("0xabcdef0000000000000000000000000000000001");
        assertThat(Address.of("abcdef0000000000000000000000000000000001").value())
                .isEqualTo("0xabcdef0000000000000000000000000000000001");
    }

    @Test
    void malformedAddressShouldBeRefusedAsInvalidInput() {
        assertThatThrownBy(() -> Address.of("0x1234"))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void bytes32ShouldRoundTripHexAndRefuseOtherLengths() {
        Bytes32 value = Bytes32.random();
        assertThat(Bytes32.fromHex(value.toHex())).isEqualTo(value);
        assertThatThrownBy(() -> Bytes32.wrap(new byte[31])).isInstanceOf(BbehrException.class);
        assertThatThrownBy(() -> Bytes32.fromHex("0xzz")).isInstanceOf(BbehrException.class);
    }
}
