package org.bbehr.ledger;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.crypto.Address;
import org.bbehr.core.crypto.Bytes32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
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

    /** A 65-byte (r, s, v) signature over an EIP-712 digest, as a wallet makes it. */
    static byte[] signDigest(Credentials signer, Bytes32 digest) {
        Sign.SignatureData signature = Sign.signMessage(digest.toArray(), signer.getEcKeyPair(), false);
        byte[] bytes = new byte[65];
        System.arraycopy(signature.getR(), 0, bytes, 0, 32);
        System.arraycopy(signature.getS(), 0, bytes, 32, 32);
        bytes[64] = signature.getV()[0];
        return bytes;
    }

    /** A sorted-pair Merkle tree over already-hashed leaves, as OpenZeppelin's MerkleProof expects. */
    static final class Tree {
        final List<List<Bytes32>> levels = new ArrayList<>();

        Tree(List<Bytes32> leaves) {
            levels.add(leaves);
            while (levels.getLast().size() > 1) {
                List<Bytes32> level = levels.getLast();
                List<Bytes32> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += 2) {
                    next.add(i + 1 < level.size() ? pair(level.get(i), level.get(i + 1)) : level.get(i));
                }
                levels.add(next);
            }
        }

        Bytes32 root() {
            return levels.getLast().getFirst();
        }

        List<Bytes32> proof(int index) {
            List<Bytes32> proof = new ArrayList<>();
            for (int level = 0; level < levels.size() - 1; level++) {
                int sibling = index ^ 1;
                if (sibling < levels.get(level).size()) {
                    proof.add(levels.get(level).get(sibling));
                }
                index /= 2;
            }
            return proof;
        }

        private static Bytes32 pair(Bytes32 a, Bytes32 b) {
            boolean aFirst = new BigInteger(1, a.toArray()).compareTo(new BigInteger(1, b.toArray())) < 0;
            byte[] joined = new byte[64];
            System.arraycopy((aFirst ? a : b).toArray(), 0, joined, 0, 32);
            System.arraycopy((aFirst ? b : a).toArray(), 0, joined, 32, 32);
            return Bytes32.wrap(Hash.sha3(joined));
        }
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
