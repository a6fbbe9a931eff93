package org.bbehr.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.ResourceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyBackupTest {

    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    private static final ResourceKey ALICE = new ResourceKey("Patient", "alice");

    @TempDir
    Path dataDir;

    @TempDir
    Path restoredDir;

    @TempDir
    Path backups;

    @Test
    void restoredKeysShouldBeTheBackedUpKeys() throws Exception {
        // given
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        byte[] wrapped = keys.kek().wrap(ALICE, DataKey.generate());
        Path backup = backups.resolve("keys.backup");
        KeyBackup.write(keys, backup, PASSPHRASE);

        // when
        NodeKeys restored = KeyBackup.restore(backup, PASSPHRASE, restoredDir);

        // then
        assertThat(restored.blindIndex().token("identifier", "mrn|1")).isEqualTo(keys.blindIndex().token("identifier", "mrn|1"));
        assertThat(restored.kek().unwrap(ALICE, wrapped)).isNotNull();
        assertThat(NodeKeys.load(restoredDir).kek().primaryId()).isEqualTo(keys.kek().primaryId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
        assertThat(Files.readString(backup)).doesNotContain(NodeKeys.toJson(keys.kek().keyset()));
    }

    @Test
    void wrongPassphraseShouldBeToldApartFromADamagedFile() throws Exception {
        // given
        Path backup = backups.resolve("keys.backup");
        KeyBackup.write(NodeKeys.loadOrCreate(dataDir), backup, PASSPHRASE);
        Path damaged = backups.resolve("damaged.backup");
        String text = Files.readString(backup);
        int at = text.indexOf("\"ciphertext\":\"") + 20;
        Files.writeString(damaged, text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1));

        // then
        assertThatThrownBy(() -> KeyBackup.restore(backup, "wrong horse".toCharArray(), restoredDir))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_WRONG_PASSPHRASE));
        assertThatThrownBy(() -> KeyBackup.restore(damaged, PASSPHRASE, restoredDir))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_BACKUP_INVALID));
        assertThat(NodeKeys.keysDir(restoredDir)).doesNotExist();
    }

    @Test
    void fileThatIsNotABackupShouldBeInvalid() throws Exception {
        // given
        Path notJson = Files.writeString(backups.resolve("notes.txt"), "my keys are somewhere", StandardCharsets.UTF_8);
        Path otherJson = Files.writeString(backups.resolve("other.json"), "{\"format\":\"something-else\"}");

        // then
        for (Path file : new Path[] {notJson, otherJson, backups.resolve("missing.backup")}) {
            assertThatThrownBy(() -> KeyBackup.restore(file, PASSPHRASE, restoredDir))
                    .isInstanceOfSatisfying(BbehrException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_BACKUP_INVALID));
        }
    }

    @Test
    void restoreShouldNotOverwriteKeysThatAreThere() {
        // given
        Path backup = backups.resolve("keys.backup");
        KeyBackup.write(NodeKeys.loadOrCreate(dataDir), backup, PASSPHRASE);
        NodeKeys.loadOrCreate(restoredDir);

        // when / then
        assertThatThrownBy(() -> KeyBackup.restore(backup, PASSPHRASE, restoredDir))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_EXIST));
    }

    @Test
    void backupShouldNotOverwriteAFileNorAcceptAnEmptyPassphrase() throws Exception {
        // given
        NodeKeys keys = NodeKeys.loadOrCreate(dataDir);
        Path existing = Files.writeString(backups.resolve("keys.backup"), "an older backup");

        // then
        assertThatThrownBy(() -> KeyBackup.write(keys, existing, PASSPHRASE))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_EXIST));
        assertThatThrownBy(() -> KeyBackup.write(keys, backups.resolve("new.backup"), new char[0]))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PASSWORD_MISSING));
        assertThat(Files.readString(existing)).isEqualTo("an older backup");
    }
}
