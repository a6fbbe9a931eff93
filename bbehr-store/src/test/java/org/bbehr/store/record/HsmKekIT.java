package org.bbehr.store.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.store.crypto.Kek;
import org.bbehr.store.crypto.KeyBackup;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.crypto.Pkcs11Kek;
import org.bbehr.store.postgres.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key-encryption key in an HSM (SoftHSM2 through PKCS#11), with a real embedded PostgreSQL. */
class HsmKekIT {

    private static final ResourceKey PATIENT = new ResourceKey("Patient", "hsm-synthetic-1");
    private static final byte[] CONTENT = "{\"resourceType\":\"Patient\",\"id\":\"hsm-synthetic-1\"}".getBytes(UTF_8);

    @TempDir
    Path dataDir;

    @Test
    void recordsShouldBeWrittenAndReadWithTheKekInTheTokenAndNoKekOnDisk() throws Exception {
        // given: a token, and a node's store whose KEK is made in it on the first start
        SoftHsm token = SoftHsm.token();
        try (PostgresServer database = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            Kek kek = Pkcs11Kek.open(token.config(), token.pin(), "records-kek");
            PostgresRecordStore store = PostgresRecordStore.open(database.dataSource(),
                    NodeKeys.withTokenKek(dataDir, kek), Clock.systemUTC());

            // when
            store.write(List.of(new ResourceWrite.Put(PATIENT, OptionalLong.empty(), CONTENT, IndexEntries.NONE)));
            store.erase(writeAndReturn(store, new ResourceKey("Observation", "hsm-erased")), "synthetic test erasure",
                    "it-test");

            // then: a restarted node, with the token, reads it and finds the erasure sealed
            PostgresRecordStore restarted = PostgresRecordStore.open(database.dataSource(),
                    NodeKeys.withTokenKek(dataDir, Pkcs11Kek.open(token.config(), token.pin(), "records-kek")),
                    Clock.systemUTC());
            assertThat(restarted.findCurrent(PATIENT).orElseThrow().content()).isEqualTo(CONTENT);
            List<Boolean> sealed = new java.util.ArrayList<>();
            restarted.evidence().forEachPage(org.bbehr.core.verify.VerifyScope.everything(), page -> page.stream()
                    .filter(e -> e.erasure() != null).forEach(e -> sealed.add(e.erasure().sealed())));
            assertThat(sealed).containsExactly(true);
            assertThat(NodeKeys.keysDir(dataDir).resolve(NodeKeys.KEK_FILE)).doesNotExist();
            assertThat(Tables.count(database.dataSource(), "SELECT count(*) FROM data_keys WHERE kek_id <> "
                    + kek.primaryId())).isZero();
            // and without the token there is no KEK to read them with
            assertThatThrownBy(() -> NodeKeys.load(dataDir)).isInstanceOfSatisfying(BbehrException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISSING));
        }
    }

    @Test
    void theKekShouldNotLeaveTheTokenNorBeRotatedOrBackedUpByTheNode() throws Exception {
        // given
        SoftHsm token = SoftHsm.token();
        Kek kek = Pkcs11Kek.open(token.config(), token.pin(), "bbehr-kek");
        NodeKeys keys = NodeKeys.withTokenKek(dataDir, kek);

        // then: the token holds the key and will not give its bytes out
        Provider provider = Security.getProvider("SunPKCS11").configure(token.config().toString());
        KeyStore store = KeyStore.getInstance("PKCS11", provider);
        store.load(null, token.pin());
        Key key = store.getKey("bbehr-kek", null);
        assertThat(key.getAlgorithm()).isEqualTo("AES");
        assertThat(key.getEncoded()).isNull();
        assertThat(kek.inToken()).isTrue();
        // and rotation and backup say where they are done instead
        assertThatThrownBy(keys::addKekPrimary).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_NOT_WRITABLE)).hasMessageContaining("HSM");
        assertThatThrownBy(() -> KeyBackup.write(keys, dataDir.resolve("backup"), "synthetic passphrase"
                .toCharArray())).isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_NOT_WRITABLE));
    }

    @Test
    void aMissingTokenConfigurationShouldSaySo() {
        // (a wrong PIN is checked in a process of its own, RecordKeysCliIT: within one process the token stays
        // logged in once a PIN opened it)
        assertThatThrownBy(() -> Pkcs11Kek.open(dataDir.resolve("no.cfg"), "any".toCharArray(), "bbehr-kek"))
                .isInstanceOfSatisfying(BbehrException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISSING))
                .hasMessageContaining("no PKCS#11 configuration");
    }

    private static ResourceKey writeAndReturn(PostgresRecordStore store, ResourceKey key) {
        store.write(List.of(new ResourceWrite.Put(key, OptionalLong.empty(),
                "{\"resourceType\":\"Observation\"}".getBytes(UTF_8), IndexEntries.NONE)));
        return key;
    }
}
