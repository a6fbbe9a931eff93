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
import org.bbehr.core.record.LeafKind;
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

/**
 * The node's leaves and proofs are the contract's: {@code leafOf}, {@code verifyLeaf} and {@code verifyRecord} accept
 * them, each kind only as itself and each hospital's only under its own roots.
 */
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
            leaves.add(RecordLeaf.ofVersion(hospitalId, new ResourceKey("Observation", "obs-" + i),
                    i, ContentHash.of(Bytes32.random().toArray(), content)));
        }
        return leaves;
    }

    static RecordAnchor.Leaf fields(RecordLeaf leaf) {
        return new RecordAnchor.Leaf(BigInteger.valueOf(leaf.kind().ordinal()), BigInteger.valueOf(leaf.hospitalId()),
                leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()), leaf.contentHash().toArray());
    }

    static List<byte[]> path(MerkleTree tree, int index) {
        return tree.proof(index).stream().map(Bytes32::toArray).toList();
    }

    @Test
    void leafShouldEqualTheContractsLeafForEveryKind() throws Exception {
        for (LeafKind kind : LeafKind.values()) {
            // given
            RecordLeaf leaf = new RecordLeaf(kind, 7, new ResourceKey("MedicationRequest",
                    "a-rather-long-id-that-spans-more-than-one-abi-word-0123456789"), 123_456_789_012L,
                    Bytes32.random());
            // when
            byte[] onChain = contract().leafOf(BigInteger.valueOf(kind.ordinal()), BigInteger.valueOf(7),
                    leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()),
                    leaf.contentHash().toArray()).send();
            // then
            assertThat(Bytes32.wrap(onChain)).as(kind.name()).isEqualTo(leaf.hash());
        }
    }

    @Test
    void verifyRecordShouldAcceptEveryProofOfAnAnchoredBatch() throws Exception {
        // given
        Hospital hospital = newHospital("leafcheck");
        List<RecordLeaf> leaves = leaves(hospital.id(), 5);
        MerkleTree tree = new MerkleTree(leaves.stream().map(RecordLeaf::hash).toList());
        hospital.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size()));
        // when / then
        for (int i = 0; i < leaves.size(); i++) {
            RecordLeaf leaf = leaves.get(i);
            var anchor = contract().verifyRecord(BigInteger.valueOf(leaf.hospitalId()), tree.root().toArray(),
                    path(tree, i), leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()),
                    leaf.contentHash().toArray()).send();
            assertThat(anchor.leafCount.intValue()).isEqualTo(5);
        }
    }

    @Test
    void oneBatchShouldCarryEveryKindAndEachLeafShouldVerifyOnlyAsItsOwnKind() throws Exception {
        // given: the same fields under each of the five kinds, in one batch
        Hospital hospital = newHospital("mixed");
        RecordLeaf version = leaves(hospital.id(), 1).getFirst();
        List<RecordLeaf> leaves = java.util.Arrays.stream(LeafKind.values())
                .map(kind -> new RecordLeaf(kind, version.hospitalId(), version.key(), version.version(),
                        version.contentHash()))
                .toList();
        MerkleTree tree = new MerkleTree(leaves.stream().map(RecordLeaf::hash).toList());
        hospital.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size()));
        // when / then
        for (int i = 0; i < leaves.size(); i++) {
            assertThat(contract().verifyLeaf(tree.root().toArray(), path(tree, i), fields(leaves.get(i))).send()
                    .leafCount.intValue()).isEqualTo(5);
        }
        // the erasure marker's proof does not make it a record version
        int marker = LeafKind.ERASURE_MARKER.ordinal();
        assertThatThrownBy(() -> contract().verifyRecord(BigInteger.valueOf(hospital.id()), tree.root().toArray(),
                path(tree, marker), version.key().type(), version.key().id(), BigInteger.valueOf(version.version()),
                version.contentHash().toArray()).send()).hasMessageContaining("revert");
    }

    @Test
    void aRootAnchoredByAnotherHospitalFirstShouldNeitherBlockNorVouchForTheVictimsLeaves() throws Exception {
        // given: hospital B sees A's next root and anchors it first (root squatting)
        Hospital a = newHospital("victim");
        Hospital b = newHospital("squatter");
        List<RecordLeaf> leaves = leaves(a.id(), 2);
        MerkleTree tree = new MerkleTree(leaves.stream().map(RecordLeaf::hash).toList());
        b.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size()));
        RecordLeaf leaf = leaves.getFirst();
        // then: B's copy vouches for nothing of A's
        assertThatThrownBy(() -> contract().verifyRecord(BigInteger.valueOf(a.id()), tree.root().toArray(),
                path(tree, 0), leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()),
                leaf.contentHash().toArray()).send()).hasMessageContaining("revert");
        assertThatThrownBy(() -> contract().verifyRecord(BigInteger.valueOf(b.id()), tree.root().toArray(),
                path(tree, 0), leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()),
                leaf.contentHash().toArray()).send()).hasMessageContaining("revert");
        // when: A anchors its root all the same
        a.ledger().submit(new LedgerCall.AnchorRoot(tree.root(), leaves.size()));
        // then
        assertThat(contract().verifyRecord(BigInteger.valueOf(a.id()), tree.root().toArray(), path(tree, 0),
                leaf.key().type(), leaf.key().id(), BigInteger.valueOf(leaf.version()), leaf.contentHash().toArray())
                .send().leafCount.intValue()).isEqualTo(2);
        assertThat(admin.verify(a.id(), tree.root(), tree.proof(0), leaf.hash()).hospitalId()).isEqualTo(a.id());
    }
}
