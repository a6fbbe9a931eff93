package org.bbehr.store.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.ResourceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataKeyTest {

    private static final ResourceKey ALICE = new ResourceKey("Patient", "alice");
    private static final ResourceKey BOB = new ResourceKey("Patient", "bob");
    private static final byte[] CONTENT = "{\"resourceType\":\"Patient\",\"id\":\"alice\"}".getBytes(UTF_8);

    @TempDir
    Path dataDir;

    @Test
    void openShouldReturnTheSealedContentBehindAFreshSalt() {
        // given
        DataKey key = DataKey.generate();

        // when
        DataKey.Plaintext first = key.open(ALICE, 1, key.seal(ALICE, 1, CONTENT));
        DataKey.Plaintext second = key.open(ALICE, 1, key.seal(ALICE, 1, CONTENT));

        // then
        assertThat(first.content()).isEqualTo(CONTENT);
        assertThat(first.salt()).hasSize(DataKey.SALT_BYTES).isNotEqualTo(second.salt());
    }

    @Test
    void ciphertextOfAnotherVersionOrResourceShouldNotOpen() {
        // given
        DataKey key = DataKey.generate();
        byte[] sealed = key.seal(ALICE, 1, CONTENT);

        // then
        assertTampered(() -> key.open(ALICE, 2, sealed));
        assertTampered(() -> key.open(BOB, 1, sealed));
        assertTampered(() -> DataKey.generate().open(ALICE, 1, sealed));
    }

    @Test
    void alteredCiphertextShouldNotOpen() {
        // given
        DataKey key = DataKey.generate();
        byte[] sealed = key.seal(ALICE, 1, CONTENT);

        // when
        sealed[sealed.length / 2] ^= 1;

        // then
        assertTampered(() -> key.open(ALICE, 1, sealed));
    }

    @Test
    void wrappedDataKeyShouldUnwrapOnlyForItsResource() {
        // given
        Kek kek = NodeKeys.loadOrCreate(dataDir).kek();
        DataKey key = DataKey.generate();
        byte[] wrapped = kek.wrap(ALICE, key);

        // when
        DataKey unwrapped = kek.unwrap(ALICE, wrapped);

        // then
        assertThat(unwrapped.open(ALICE, 1, key.seal(ALICE, 1, CONTENT)).content()).isEqualTo(CONTENT);
        assertTampered(() -> kek.unwrap(BOB, wrapped));
    }

    @Test
    void retiredKekShouldStillUnwrapInTheProcessThatRetiredIt() {
        // given
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        byte[] wrappedByOld = keys.kek().wrap(ALICE, DataKey.generate());
        keys.addKekPrimary();

        // when
        keys.retireOldKeks();

        // then
        assertThat(keys.kek().unwrap(ALICE, wrappedByOld)).isNotNull();
        assertTampered(() -> NodeKeys.load(dataDir).kek().unwrap(ALICE, wrappedByOld));
    }

    private static void assertTampered(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TAMPERED));
    }
}
