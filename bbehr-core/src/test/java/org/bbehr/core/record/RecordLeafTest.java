package org.bbehr.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.bbehr.core.crypto.Bytes32;
import org.bbehr.core.crypto.Hex;
import org.bbehr.core.crypto.Keccak;
import org.junit.jupiter.api.Test;

class RecordLeafTest {

    static final Bytes32 ONES = Bytes32.fromHex("0x" + "11".repeat(32));

    @Test
    void leafShouldMatchTheAbiEncodedDoubleHashOfItsFields() {
        // given: the value docs/verify-record.mjs computes for the same fields (RecordLeafIT checks the contract)
        RecordLeaf leaf = new RecordLeaf(1, new ResourceKey("Patient", "abc"), 2, ONES);
        // when / then
        assertThat(leaf.hash().toHex())
                .isEqualTo("0x699f697f8c9b1bdb51a5ad6c4260b9317651aa387c38a9b5688382095504451b");
    }

    @Test
    void abiEncodingShouldPutStringsAfterTheHeadWithTheirOffsetsAndLengths() {
        // given
        RecordLeaf leaf = new RecordLeaf(7, new ResourceKey("Observation", "x".repeat(40)), 3, ONES);
        // when
        String encoded = Hex.encode(leaf.abiEncode()).substring(2);
        // then: head of 5 words, "Observation" in 1 word, the 40-byte id in 2
        assertThat(encoded).hasSize(2 * 32 * (5 + 2 + 3));
        assertThat(word(encoded, 1)).endsWith("a0");
        assertThat(word(encoded, 2)).endsWith("e0");
        assertThat(word(encoded, 5)).endsWith("0b");
        assertThat(word(encoded, 7)).endsWith("28");
    }

    @Test
    void contentHashShouldBeTheKeccakOfSaltThenBytesAndRefuseShortSalts() {
        // given
        byte[] salt = Bytes32.random().toArray();
        byte[] content = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);
        // when / then
        assertThat(ContentHash.of(salt, content)).isEqualTo(Keccak.hash(salt, content));
        assertThat(ContentHash.of(salt, content)).isNotEqualTo(ContentHash.of(Bytes32.random().toArray(), content));
        assertThatThrownBy(() -> ContentHash.of(new byte[16], content)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void erasureMarkersShouldEncodeTheirFreeTextUnambiguously() {
        // given: the same text split differently between actor and reason
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        byte[] salt = new byte[32];
        ErasureMarker one = new ErasureMarker(new ResourceKey("Patient", "p1"), 2, "b\nc", "a", at, salt);
        ErasureMarker two = new ErasureMarker(new ResourceKey("Patient", "p1"), 2, "c", "a\nb", at, salt);
        // when / then
        assertThat(one.bytes()).isNotEqualTo(two.bytes());
        assertThat(one.hash()).isNotEqualTo(two.hash());
    }

    private static String word(String hex, int index) {
        return hex.substring(index * 64, (index + 1) * 64);
    }
}
