package org.bbehr.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Keccak;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    @Test
    void keccakShouldBeEthereumsNotSha3() {
        // keccak256("") is the well-known empty hash of Ethereum
        assertThat(Keccak.hash(new byte[0]).toHex())
                .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    }

    @Test
    void everyLeafsProofShouldVerifyForEveryTreeSize() {
        for (int size = 1; size <= 33; size++) {
            // given
            List<Bytes32> leaves = leaves(size);
            MerkleTree tree = new MerkleTree(leaves);
            // then
            for (int i = 0; i < size; i++) {
                assertThat(MerkleTree.verify(tree.root(), tree.proof(i), leaves.get(i))).as("leaf %d of %d", i, size).isTrue();
            }
        }
    }

    @Test
    void aWrongLeafOrAlteredProofShouldNotVerify() {
        // given
        List<Bytes32> leaves = leaves(9);
        MerkleTree tree = new MerkleTree(leaves);
        List<Bytes32> altered = new ArrayList<>(tree.proof(4));
        altered.set(1, Bytes32.random());
        // then
        assertThat(MerkleTree.verify(tree.root(), tree.proof(4), leaves.get(5))).isFalse();
        assertThat(MerkleTree.verify(tree.root(), altered, leaves.get(4))).isFalse();
    }

    @Test
    void aSingleLeafShouldBeItsOwnRoot() {
        Bytes32 leaf = Bytes32.random();
        assertThat(new MerkleTree(List.of(leaf)).root()).isEqualTo(leaf);
        assertThat(new MerkleTree(List.of(leaf)).proof(0)).isEmpty();
    }

    private static List<Bytes32> leaves(int size) {
        return IntStream.range(0, size)
                .mapToObj(i -> Keccak.hash(("leaf " + i).getBytes(StandardCharsets.UTF_8))).toList();
    }

    @Test
    void verifyingManyLeavesWithProvenNodesShouldAcceptEveryLeafAndStillRefuseAWrongProof() {
        // given
        List<Bytes32> leaves = IntStream.range(0, 7).mapToObj(i -> Bytes32.random()).toList();
        MerkleTree tree = new MerkleTree(leaves);
        java.util.Set<Bytes32> proven = new java.util.HashSet<>();
        // when / then
        for (int i = 0; i < leaves.size(); i++) {
            assertThat(MerkleTree.verify(tree.root(), tree.proof(i), leaves.get(i), proven)).isTrue();
        }
        assertThat(MerkleTree.verify(tree.root(), tree.proof(0), Bytes32.random(), proven)).isFalse();
        assertThat(MerkleTree.verify(tree.root(), List.of(Bytes32.random()), leaves.get(3), new java.util.HashSet<>()))
                .isFalse();
    }
}
