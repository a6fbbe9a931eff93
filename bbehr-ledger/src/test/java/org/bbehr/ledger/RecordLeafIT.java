package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.ledger.LedgerCall;
import org.bbehr.core.ledger.LedgerEvent;
import org.bbehr.core.record.AnchorKind;
import org.bbehr.core.record.ContentHash;
import org.bbehr.core.record.MerkleTree;
import org.bbehr.core.record.RecordLeaf;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.ledger.contracts.RecordAnchor;
import org.bbehr.ledger.devchain.DevAccounts;
import org.bbehr.ledger.devchain.DevChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/** The node's leaves and proofs are the contract's: {@code recordLeaf} and {@code verifyRecord} accept them. */
class RecordLeafIT {

    @TempDir
    static Path dataDir;

    static DevChain chain;
    static Web3jLedger admin;

    @BeforeAll
    static void startChain() {
        chain = DevChain.start(DevChain.Options.in(dataDir));
        admin = Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), DevAccounts.admin(), chain.deployment());
    }

    @AfterAll
    static void stopChain() {
        admin.close();
        chain.close();
    }

    record Hospital(int id, Web3jLedger ledger) {}

    static Hospital newHospital(String name) {
        Credentials node = Fixtures.newKey();
        int id = admin.administer(new LedgerCall.RegisterHospital(Fixtures.address(node), name,
                "https://" + name + ".example/fhir")).event(LedgerEvent.HospitalRegistered.class).hospitalId();
        return new Hospital(id, Web3jLedger.connect(LedgerConfig.defaults(chain.rpcUrl()), node, chain.deployment()));
    }

    static RecordAnchor contract() {
        Web3j web3j = Web3j.build(new HttpService(chain.rpcUrl()));
        return RecordAnchor.load(chain.deployment().recordAnchor().value(), web3j,
                new ReadonlyTransactionManager(web3j, DevAccounts.admin().getAddress()), new DefaultGasProvider());
    }

    static List<RecordLeaf> leaves(int hospitalId, int count) {
        List<RecordLeaf> leaves = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            byte[] content = ("{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":" + i + ".10}}")
                    .getBytes(StandardCharsets.UTF_8);
            leaves.add(new RecordLeaf(hospitalId, new ResourceKey("Observation", "obs-" + i),
                    i, ContentHash.of(Bytes32.random().toArray(), content)));
        }
        return leaves;
    }

    @Test
    void leafShouldEqualTheContractsRecordLeaf() throws Exception {
        // given
        RecordLeaf leaf = new RecordLeaf(7, new ResourceKey("MedicationRequest",
                "a-rather-long-id-that-spans-more-than-one-abi-word-0123456789"), 123_456_789_012L, Bytes32.random());
        // when
        byte[] onChain = contract().recordLeaf(BigInteger.valueOf(7), leaf.key().type(), leaf.key().id(),
                BigInteger.valueOf(leaf.version()), leaf.contentHash().toArray()).send();
        // then
        assertThat(Bytes32.wrap(onChain)).isEqualTo(leaf.hash());
    }

    @Test
    void verifyRecordShouldAcceptEveryProofOfAnAnchoredBatch() throws Exception {
        // given
        Hospital hospital = newHospital("leafcheck");
        List<RecordLeaf> leaves = leaves(hospital.id(), 5);
        MerkleTree tree = new MerkleTree(leaves.stream().map(RecordLeaf::hash).toList());
        hospital.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size(), AnchorKind.RECORDS));
        // when / then
        for (int i = 0; i < leaves.size(); i++) {
            RecordLeaf leaf = leaves.get(i);
            var anchor = contract().verifyRecord(tree.root().toArray(),
                    tree.proof(i).stream().map(Bytes32::toArray).toList(), BigInteger.valueOf(leaf.hospitalId()),
                    leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()),
                    leaf.contentHash().toArray()).send();
            assertThat(anchor.hospitalId.intValue()).isEqualTo(hospital.id());
        }
    }

    @Test
    void aLeafClaimingAnotherHospitalShouldBeRejectedByVerifyRecord() {
        // given: hospital B anchors a leaf that claims to be hospital A's
        Hospital a = newHospital("claimed");
        Hospital b = newHospital("claimer");
        List<RecordLeaf> leaves = leaves(a.id(), 2);
        MerkleTree tree = new MerkleTree(leaves.stream().map(RecordLeaf::hash).toList());
        b.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size(), AnchorKind.RECORDS));
        RecordLeaf leaf = leaves.getFirst();
        // when
        var anchor = admin.verify(tree.root(), tree.proof(0), leaf.hash());
        // then: the proof holds, but the root is B's, and verifyRecord refuses the claim
        assertThat(anchor.hospitalId()).isEqualTo(b.id());
        assertThatThrownBy(() -> contract().verifyRecord(tree.root().toArray(),
                tree.proof(0).stream().map(Bytes32::toArray).toList(), BigInteger.valueOf(a.id()),
                leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()),
                leaf.contentHash().toArray()).send()).hasMessageContaining("revert");
    }
}
