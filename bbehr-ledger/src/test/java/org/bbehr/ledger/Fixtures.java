package org.bbehr.ledger;

import java.util.List;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;

/** Named synthetic identities and small helpers for the ledger's tests. */
final class Fixtures {

    private Fixtures() {}

    /** A fresh key pair: every test gets its own hospitals, staff and patients. */
    static Credentials newKey() {
        try {
            return Credentials.create(Keys.createEcKeyPair());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Address address(Credentials credentials) {
        return Address.of(credentials.getAddress());
    }

    static byte[] signDigest(Credentials signer, Bytes32 digest) {
        return ConsentSignatures.sign(signer, digest);
    }

    /** Test-only control of the dev chain (anvil's own RPC methods; the node itself never uses them). */
    static final class AnvilControl {
        private final HttpService service;

        AnvilControl(String rpcUrl) {
            this.service = new HttpService(rpcUrl);
        }

        void call(String method, Object... params) {
            try {
                VoidResponse response = new Request<>(method, List.of(params), service, VoidResponse.class).send();
                if (response.hasError()) {
                    throw new IllegalStateException(method + ": " + response.getError().getMessage());
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void mine(int blocks) {
            call("anvil_mine", "0x" + Integer.toHexString(blocks));
        }

        /** Moves the chain's clock on by {@code seconds} and mines a block at the new time. */
        void advanceTime(long seconds) {
            call("evm_increaseTime", seconds);
            mine(1);
        }

        void setAutomine(boolean on) {
            call("evm_setAutomine", on);
        }

        void drop(Bytes32 transactionHash) {
            call("anvil_dropTransaction", transactionHash.toHex());
        }

        Web3j web3j() {
            return Web3j.build(service);
        }
    }
}
