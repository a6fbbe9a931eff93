package org.bbehr.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.crypto.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeystoreTest {

    @TempDir
    Path dir;

    @Test
    void createdKeystoreShouldUnlockWithItsPasswordOnlyAndBePrivate() throws Exception {
        // given
        Path file = dir.resolve("node-key.json");
        // when
        Address address = NodeKeystore.create(file, "correct horse".toCharArray());
        // then
        assertThat(NodeKeystore.address(file)).isEqualTo(address);
        assertThat(Address.of(NodeKeystore.unlock(file, "correct horse".toCharArray()).getAddress())).isEqualTo(address);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("\"crypto\"").contains("scrypt");
        assertThatThrownBy(() -> NodeKeystore.unlock(file, "wrong".toCharArray()))
                .hasFieldOrPropertyWithValue("code", ErrorCode.KEYSTORE_WRONG_PASSWORD);
    }

    @Test
    void createShouldRefuseToOverwriteAKeystore() {
        // given
        Path file = dir.resolve("node-key.json");
        NodeKeystore.create(file, "pw".toCharArray());
        // when / then
        assertThatThrownBy(() -> NodeKeystore.create(file, "pw".toCharArray()))
                .hasFieldOrPropertyWithValue("code", ErrorCode.KEYSTORE_EXISTS);
    }

    @Test
    void missingOrInvalidKeystoreShouldGiveClearCodes() throws Exception {
        // given
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"not\":\"a keystore\"}");
        // when / then
        assertThatThrownBy(() -> NodeKeystore.address(dir.resolve("missing.json")))
                .hasFieldOrPropertyWithValue("code", ErrorCode.KEYSTORE_NOT_FOUND);
        assertThatThrownBy(() -> NodeKeystore.address(garbage))
                .hasFieldOrPropertyWithValue("code", ErrorCode.KEYSTORE_INVALID);
    }
}
