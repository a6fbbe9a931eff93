package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.ledger.LedgerRevertException;
import org.bbehr.ledger.contracts.ConsentRegistry;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.junit.jupiter.api.Test;
import org.web3j.abi.CustomErrorEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.protocol.core.Response;

class RevertDecoderTest {

    private final RevertDecoder decoder = new RevertDecoder();

    @Test
    void shouldKnowEveryCustomErrorOfTheContractsWithAStableCode() {
        // when
        List<String> known = decoder.knownErrors();
        // then
        assertThat(known).contains("HospitalDirectoryUnauthorized", "ConsentRegistryStaleCounter",
                "RecordAnchorUnknownRoot", "TimelockUnexpectedOperationState", "Error", "Panic");
        for (String name : known) {
            if (name.startsWith("HospitalDirectory") || name.startsWith("ConsentRegistry") || name.startsWith("RecordAnchor")) {
                assertThat(ErrorCode.findByContractError(name)).as("code for %s", name).isPresent();
            }
        }
    }

    @Test
    void shouldDecodeACustomErrorWithItsArguments() {
        // given
        byte[] root = new byte[32];
        root[31] = 7;
        String data = selector(RecordAnchor.RECORDANCHORROOTEXISTS_ERROR)
                + FunctionEncoder.encodeConstructor(List.of(new Uint32(3), new Bytes32(root)));
        // when
        LedgerRevertException e = decoder.decode(data);
        // then
        assertThat(e.code()).isEqualTo(ErrorCode.ANCHOR_ROOT_EXISTS);
        assertThat(e.errorName()).isEqualTo("RecordAnchorRootExists");
        assertThat(e.arguments()).containsExactly(3L, org.bbehr.core.crypto.Hex.encode(root));
        assertThat(e.describe()).startsWith("EHR-2303 ").contains("RecordAnchorRootExists");
    }

    @Test
    void shouldDecodeRevertDataFromAJsonRpcErrorsDataOrMessage() {
        // given
        String data = selector(ConsentRegistry.CONSENTREGISTRYUNAUTHORIZED_ERROR)
                + FunctionEncoder.encodeConstructor(List.of(new Address("0x00000000000000000000000000000000000000aa")));
        Response.Error inData = new Response.Error(3, "execution reverted");
        inData.setData(data);
        Response.Error inMessage = new Response.Error(3, "execution reverted: custom error " + data);
        // when / then
        assertThat(decoder.decode(inData)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_UNAUTHORIZED));
        assertThat(decoder.decode(inMessage)).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.CONSENT_UNAUTHORIZED));
        assertThat(decoder.decode(new Response.Error(-32000, "insufficient funds"))).isEmpty();
    }

    @Test
    void shouldDecodeErrorStringsPanicsAndUnknownSelectors() {
        // given
        String errorString = "0x08c379a0" + FunctionEncoder.encodeConstructor(List.of(new Utf8String("boom")));
        String panic = "0x4e487b71" + FunctionEncoder.encodeConstructor(List.of(new Uint256(BigInteger.valueOf(0x21))));
        // when / then
        assertThat(decoder.decode(errorString).arguments()).containsExactly("boom");
        assertThat(decoder.decode(errorString).code()).isEqualTo(ErrorCode.LEDGER_REVERT_REASON);
        assertThat(decoder.decode(panic).code()).isEqualTo(ErrorCode.LEDGER_PANIC);
        assertThat(decoder.decode(panic).arguments()).containsExactly(0x21L);
        assertThat(decoder.decode("0xdeadbeef").code()).isEqualTo(ErrorCode.LEDGER_REVERTED);
        assertThat(decoder.decode("0x").getMessage()).contains("revert without reason");
    }

    private static String selector(org.web3j.abi.datatypes.CustomError error) {
        return CustomErrorEncoder.encode(error).substring(0, 10);
    }
}
