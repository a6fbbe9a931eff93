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
        RecordLeaf leaf = RecordLeaf.ofVersion(1, new ResourceKey("Patient", "abc"), 2, ONES);
        // when / then
        assertThat(leaf.hash().toHex())
                .isEqualTo("0x83d98296131eb37f10b5dcb4387962f8e030c99789113d471aead494ae39e51f");
    }

    @Test
    void leafOfAnotherKindShouldHashDifferentlyForTheSameFields() {
        // given: an erasure marker with exactly the fields of the record version above
        RecordLeaf marker = new RecordLeaf(LeafKind.ERASURE_MARKER, 1, new ResourceKey("Patient", "abc"), 2, ONES);
        // when / then
        assertThat(marker.hash().toHex())
                .isEqualTo("0x646dfbe3efa3f6a99b275b282e0a1abc32570cd391dfc487b69481861d39b1c3");
        assertThat(marker.hash()).isNotEqualTo(RecordLeaf.ofVersion(1, marker.key(), 2, ONES).hash());
    }

    @Test
    void abiEncodingShouldPutStringsAfterTheHeadWithTheirOffsetsAndLengths() {
        // given
        RecordLeaf leaf = new RecordLeaf(LeafKind.AUDIT_ENTRY, 7, new ResourceKey("Observation", "x".repeat(40)), 3,
                ONES);
        // when
        String encoded = Hex.encode(leaf.abiEncode()).substring(2);
        // then: head of 6 words (kind first), "Observation" in 1 word, the 40-byte id in 2
        assertThat(encoded).hasSize(2 * 32 * (6 + 2 + 3));
        assertThat(word(encoded, 0)).endsWith("03");
        assertThat(word(encoded, 1)).endsWith("07");
        assertThat(word(encoded, 2)).endsWith("c0");
        assertThat(word(encoded, 3)).endsWith("0100");
        assertThat(word(encoded, 6)).endsWith("0b");
        assertThat(word(encoded, 8)).endsWith("28");
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
