package org.bbehr.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeysTest {

    @TempDir
    Path dataDir;

    @Test
    void firstStartShouldCreateBothKeysReadableByTheOwnerOnly() throws Exception {
        // when
        NodeKeys.loadOrCreate(dataDir);

        // then
        Path keys = NodeKeys.keysDir(dataDir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(NodeKeys.KEK_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(NodeKeys.BLIND_INDEX_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
    }

    @Test
    void laterStartsShouldLoadTheSameKeys() {
        // given
        NodeKeys first = NodeKeys.loadOrCreate(dataDir);

        // when
        NodeKeys second = NodeKeys.loadOrCreate(dataDir);

        // then
        assertThat(second.blindIndex().token("identifier", "mrn|4711"))
                .isEqualTo(first.blindIndex().token("identifier", "mrn|4711"));
        assertThat(second.kek().primaryId()).isEqualTo(first.kek().primaryId());
    }

    @Test
    void loadShouldRefuseToCreateOneKeyWhenTheOtherExists() throws Exception {
        // given
        NodeKeys.loadOrCreate(dataDir);
        Files.delete(NodeKeys.keysDir(dataDir).resolve(NodeKeys.KEK_FILE));

        // when / then
        assertThatThrownBy(() -> NodeKeys.loadOrCreate(dataDir))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISSING))
                .hasMessageContaining("kek.json");
    }

    @Test
    void keysFromConfigurationShouldEqualTheFilesTheyWereCopiedFrom() throws Exception {
        // given
        NodeKeys fromFiles = NodeKeys.loadOrCreate(dataDir);
        String kek = base64(NodeKeys.keysDir(dataDir).resolve(NodeKeys.KEK_FILE));
        String blindIndex = base64(NodeKeys.keysDir(dataDir).resolve(NodeKeys.BLIND_INDEX_FILE));

        // when
        NodeKeys configured = NodeKeys.fromConfiguration(kek, blindIndex);

        // then
        assertThat(configured.blindIndex().token("name", "alice")).isEqualTo(fromFiles.blindIndex().token("name", "alice"));
        assertThat(configured.kek().primaryId()).isEqualTo(fromFiles.kek().primaryId());
    }

    @Test
    void keysFromConfigurationShouldNotBeRotatedInPlace() throws Exception {
        // given
        NodeKeys.loadOrCreate(dataDir);
        NodeKeys configured = NodeKeys.fromConfiguration(base64(NodeKeys.keysDir(dataDir).resolve(NodeKeys.KEK_FILE)),
                base64(NodeKeys.keysDir(dataDir).resolve(NodeKeys.BLIND_INDEX_FILE)));

        // when / then
        assertThatThrownBy(configured::addKekPrimary).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_NOT_WRITABLE));
        assertThatThrownBy(configured::addBlindIndexPrimary).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_NOT_WRITABLE));
        assertThat(configured.kek().size()).isEqualTo(1);
        assertThat(configured.blindIndexKeyCount()).isEqualTo(1);
        assertThat(configured.writable()).isFalse();
    }

    @Test
    void configurationThatIsNotAKeysetShouldBeRejected() {
        assertThatThrownBy(() -> NodeKeys.fromConfiguration("not base64!", "x"))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISSING));
        String notAKeyset = Base64.getEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> NodeKeys.fromConfiguration(notAKeyset, notAKeyset))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISSING));
    }

    @Test
    void addingAndRetiringAKekShouldKeepOnlyTheNewKeyOnDisk() {
        // given
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        int old = keys.kek().primaryId();

        // when
        keys.addKekPrimary();
        int added = keys.kek().primaryId();
        int sizeDuringRotation = NodeKeys.load(dataDir).kek().size();
        keys.retireOldKeks();

        // then
        assertThat(added).isNotEqualTo(old);
        assertThat(sizeDuringRotation).isEqualTo(2);
        NodeKeys reloaded = NodeKeys.load(dataDir);
        assertThat(reloaded.kek().size()).isEqualTo(1);
        assertThat(reloaded.kek().primaryId()).isEqualTo(added);
    }

    @Test
    void addingABlindIndexKeyShouldMakeTokensWithItAndMatchUnderBothUntilTheOldIsRetired() {
        // given
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        String underOld = keys.blindIndex().token("name", "alice");

        // when
        keys.addBlindIndexPrimary();
        String underNew = keys.blindIndex().token("name", "alice");
        List<String> duringRotation = keys.blindIndex().tokens("name", "alice");
        NodeKeys restartedDuringRotation = NodeKeys.load(dataDir);
        keys.retireOldBlindIndexKeys();

        // then
        assertThat(underNew).isNotEqualTo(underOld);
        assertThat(duringRotation).containsExactly(underNew, underOld);
        assertThat(restartedDuringRotation.blindIndexKeyCount()).isEqualTo(2);
        assertThat(restartedDuringRotation.blindIndex().tokens("name", "alice")).containsExactly(underNew, underOld);
        assertThat(keys.blindIndex().tokens("name", "alice")).containsExactly(underNew);
        NodeKeys reloaded = NodeKeys.load(dataDir);
        assertThat(reloaded.blindIndexKeyCount()).isEqualTo(1);
        assertThat(reloaded.blindIndexPrimaryId()).isEqualTo(keys.blindIndexPrimaryId());
        assertThat(reloaded.blindIndex().token("name", "alice")).isEqualTo(underNew);
    }

    @Test
    void aNewBlindIndexKeyShouldWaitForWritesMakingTokensWithTheOldOne() throws Exception {
        // given: a write holds the primary while it makes and stores its tokens
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        String underOld = keys.blindIndex().token("name", "alice");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch rotationWaiting = new CountDownLatch(1);
        AtomicReference<Thread> rotation = new AtomicReference<>();
        AtomicReference<String> madeWhileTheRotationWaits = new AtomicReference<>();
        Thread write = Thread.ofPlatform().start(() -> keys.blindIndex().withStablePrimary(() -> {
            writing.countDown();
            awaitWaiting(rotation, rotationWaiting);
            madeWhileTheRotationWaits.set(keys.blindIndex().token("name", "alice"));
            return null;
        }));
        writing.await();

        // when
        rotation.set(Thread.ofPlatform().start(keys::addBlindIndexPrimary));
        rotation.get().join();
        write.join();

        // then: the write's tokens are all under the old key; the new key is used once it has ended
        assertThat(rotationWaiting.getCount()).isZero();
        assertThat(madeWhileTheRotationWaits.get()).isEqualTo(underOld);
        assertThat(keys.blindIndex().token("name", "alice")).isNotEqualTo(underOld);
    }

    /** Returns once the rotation thread is blocked, waiting for the primary. */
    private static void awaitWaiting(AtomicReference<Thread> rotation, CountDownLatch waiting) {
        while (rotation.get() == null || rotation.get().getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        waiting.countDown();
    }

    private static String base64(Path file) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }
}
