package org.bbehr.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bbehr.core.crypto.BlindIndex;
import org.bbehr.core.crypto.BlindIndexContractTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blind-index contract on the node's Tink keyset, and its rotation. */
class TinkBlindIndexTest extends BlindIndexContractTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path otherDataDirs;

    @Override
    protected BlindIndex newIndex() {
        try {
            return NodeKeys.loadOrCreate(java.nio.file.Files.createTempDirectory(otherDataDirs, "node-")).blindIndex();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void tokensShouldBeUrlSafe() {
        // given
        BlindIndex index = NodeKeys.loadOrCreate(dataDir).blindIndex();

        // when
        String token = index.token("identifier", "urn:oid:1.2.3|MRN-4711");

        // then
        assertThat(index.token("identifier", "urn:oid:1.2.3|MRN-4711")).isEqualTo(token);
        assertThat(token).hasSize(22).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void tokensShouldBeThePrimarysAloneWithOneKey() {
        // given
        BlindIndex index = NodeKeys.loadOrCreate(dataDir).blindIndex();

        // then
        assertThat(index.tokens("identifier", "mrn|4711")).containsExactly(index.token("identifier", "mrn|4711"));
    }

    @Test
    void tokensShouldListThePrimarysFirstThenEachOlderKeys() {
        // given
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        String first = keys.blindIndex().token("name", "alice");
        keys.addBlindIndexPrimary();
        String second = keys.blindIndex().token("name", "alice");

        // when
        keys.addBlindIndexPrimary();
        List<String> tokens = keys.blindIndex().tokens("name", "alice");

        // then
        assertThat(tokens).hasSize(3).doesNotHaveDuplicates();
        assertThat(tokens.getFirst()).isEqualTo(keys.blindIndex().token("name", "alice"));
        assertThat(tokens.subList(1, 3)).containsExactlyInAnyOrder(first, second);
    }
}
