package org.bbehr.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
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
        assertThat(configured.kek().size()).isEqualTo(1);
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

    private static String base64(Path file) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    }
}
