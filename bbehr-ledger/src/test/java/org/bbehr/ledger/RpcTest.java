package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.time.Duration;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.exceptions.ClientConnectionException;

/** Retries against a mocked JSON-RPC transport. */
class RpcTest {

    private final Web3jService transport = mock(Web3jService.class);
    private final Web3j web3j = Web3j.build(transport);
    private final Rpc rpc = new Rpc(4, Duration.ofMillis(1));

    @Test
    void shouldRetryTransientFailuresUntilTheEndpointAnswers() throws Exception {
        // given
        EthBlockNumber answer = new EthBlockNumber();
        answer.setResult("0x2a");
        when(transport.send(any(), eq(EthBlockNumber.class)))
                .thenThrow(new ConnectException("refused"))
                .thenThrow(new ClientConnectionException("Invalid response received: 503; busy"))
                .thenReturn(answer);
        // when
        EthBlockNumber result = rpc.send(web3j.ethBlockNumber());
        // then
        assertThat(result.getBlockNumber()).isEqualTo(BigInteger.valueOf(42));
        verify(transport, times(3)).send(any(), eq(EthBlockNumber.class));
    }

    @Test
    void shouldGiveUpAfterTheConfiguredAttemptsWithLedgerUnavailable() throws Exception {
        // given
        when(transport.send(any(), eq(EthBlockNumber.class))).thenThrow(new IOException("connection reset"));
        // when / then
        assertThatThrownBy(() -> rpc.send(web3j.ethBlockNumber()))
                .isInstanceOfSatisfying(BbehrException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LEDGER_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("eth_blockNumber", "4 attempts");
                });
        verify(transport, times(4)).send(any(), eq(EthBlockNumber.class));
    }

    @Test
    void shouldNotRetryAClientError() throws Exception {
        // given
        when(transport.send(any(), eq(EthBlockNumber.class)))
                .thenThrow(new ClientConnectionException("Invalid response received: 401; unauthorized"));
        // when / then
        assertThatThrownBy(() -> rpc.send(web3j.ethBlockNumber())).isInstanceOf(BbehrException.class);
        verify(transport, times(1)).send(any(), eq(EthBlockNumber.class));
    }
}
