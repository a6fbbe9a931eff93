package org.bbehr.store.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.store.crypto.NodeKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What someone holding the database or its files sees, and what tampering with it does. */
class EncryptionAtRestIT {

    private static final String NAME = "Quintessa Marlowe-Fairbanks";
    private static final String IDENTIFIER = "MRN-8675309-QX";
    private static final ResourceKey QUINTESSA = new ResourceKey("Patient", "quintessa-0001");
    private static final ResourceKey QUINTESSA_ASTHMA = new ResourceKey("Condition", "quintessa-asthma");

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @TempDir
    static Path otherDataDir;

    private PostgresRecordStore store;

    @BeforeEach
    void emptyStore() {
        store = newStore();
    }

    private static PostgresRecordStore newStore() {
        return PostgresRecordStore.open(STORE.dataSource(), STORE.keys(), Clock.systemUTC());
    }

    private static String quintessa(String note) {
        return "{\"resourceType\":\"Patient\",\"id\":\"quintessa-0001\",\"identifier\":[{\"system\":\"urn:mrn\","
                + "\"value\":\"" + IDENTIFIER + "\"}],\"name\":[{\"text\":\"" + NAME + "\"}],\"birthDate\":\"1984-02-29\","
                + "\"note\":\"" + note + "\"}";
    }

    private void writeQuintessa() {
        IndexEntries index = new IndexEntries(
                Set.of(STORE.keys().blindIndex().token("identifier", "urn:mrn|" + IDENTIFIER)), Set.of());
        store.write(List.of(new ResourceWrite.Put(QUINTESSA, OptionalLong.empty(), quintessa("v1").getBytes(UTF_8),
                index)));
        store.write(List.of(new ResourceWrite.Put(QUINTESSA, OptionalLong.empty(), quintessa("v2").getBytes(UTF_8),
                index), new ResourceWrite.Put(QUINTESSA_ASTHMA, OptionalLong.empty(),
                ("{\"resourceType\":\"Condition\",\"subject\":{\"display\":\"" + NAME + "\"}}").getBytes(UTF_8),
                new IndexEntries(Set.of(), Set.of(QUINTESSA)))));
    }

    @Test
    void namesAndIdentifiersShouldAppearInNoFileOfTheDatabase() throws Exception {
        // given
        writeQuintessa();
        Tables.execute(STORE.superuser(), "CHECKPOINT");

        // when
        List<Path> withName = filesContaining(STORE.server().directory(), NAME);
        List<Path> withIdentifier = filesContaining(STORE.server().directory(), IDENTIFIER);
        List<Path> withId = filesContaining(STORE.server().directory(), QUINTESSA.id());

        // then
        assertThat(withName).isEmpty();
        assertThat(withIdentifier).isEmpty();
        // the search does find what is stored in the clear: resource ids
        assertThat(withId).isNotEmpty();
        assertThat(store.findByIdentifier("Patient",
                STORE.keys().blindIndex().tokens("identifier", "urn:mrn|" + IDENTIFIER)))
                .containsExactly(QUINTESSA);
    }

    @Test
    void namesAndIdentifiersShouldAppearInNoRowOfAnyTable() throws Exception {
        // given
        writeQuintessa();

        // when
        List<String> rows = everyRowAsText();

        // then
        for (String secret : List.of(NAME, IDENTIFIER)) {
            String hex = HexFormat.of().formatHex(secret.getBytes(UTF_8));
            assertThat(rows).noneMatch(row -> row.contains(secret) || row.contains(hex));
        }
        assertThat(rows).anyMatch(row -> row.contains(QUINTESSA.id()));
    }

    @Test
    void ciphertextsSwappedBetweenVersionsShouldBeReportedAsTampered() {
        // given
        writeQuintessa();

        // when
        Tables.execute(STORE.dataSource(), "UPDATE versions v SET ciphertext = o.ciphertext FROM versions o"
                + " WHERE v.type = 'Patient' AND o.type = 'Patient' AND v.version <> o.version");

        // then
        assertTampered(() -> store.findCurrent(QUINTESSA));
        assertTampered(() -> store.findVersion(QUINTESSA, 1));
    }

    @Test
    void ciphertextsSwappedBetweenResourcesShouldBeReportedAsTampered() {
        // given
        writeQuintessa();

        // when
        Tables.execute(STORE.dataSource(), "UPDATE versions SET ciphertext = (SELECT ciphertext FROM versions"
                + " WHERE type = 'Condition') WHERE type = 'Patient' AND version = 2");

        // then
        assertTampered(() -> store.findCurrent(QUINTESSA));
        assertThat(store.findVersion(QUINTESSA, 1)).isPresent();
    }

    @Test
    void anEditedCiphertextByteShouldBeReportedAsTampered() {
        // given
        writeQuintessa();

        // when
        Tables.execute(STORE.dataSource(), "UPDATE versions SET ciphertext = set_byte(ciphertext, 40,"
                + " get_byte(ciphertext, 40) # 1) WHERE type = 'Patient' AND version = 2");

        // then
        assertTampered(() -> store.findCurrent(QUINTESSA));
        assertTampered(() -> store.history(QUINTESSA, null, 0, 10));
        assertTampered(() -> store.typeHistory("Patient", null, 0, 10));
    }

    @Test
    void dataKeysSwappedBetweenResourcesShouldBeReportedAsTampered() {
        // given
        writeQuintessa();

        // when
        Tables.execute(STORE.dataSource(), "UPDATE data_keys d SET wrapped = o.wrapped FROM data_keys o"
                + " WHERE d.type <> o.type");

        // then
        PostgresRecordStore restarted = newStore();
        assertTampered(() -> restarted.findCurrent(QUINTESSA));
        assertTampered(() -> restarted.findCurrent(QUINTESSA_ASTHMA));
    }

    @Test
    void aMissingDataKeyOrVersionWithoutErasureShouldBeReportedAsTampered() {
        // given
        writeQuintessa();

        // when
        Tables.execute(STORE.dataSource(), "DELETE FROM data_keys WHERE type = 'Condition'");
        Tables.execute(STORE.dataSource(), "DELETE FROM versions WHERE type = 'Patient' AND version = 1");

        // then
        assertTampered(() -> store.findCurrent(QUINTESSA_ASTHMA));
        assertTampered(() -> store.findVersion(QUINTESSA, 1));
        assertThat(store.findVersion(QUINTESSA, 2)).isPresent();
        assertThat(store.findVersion(QUINTESSA, 3)).isEmpty();
    }

    @Test
    void erasureShouldDeleteTheDataKeyAndLogWhoErasedWhy() {
        // given
        writeQuintessa();
        store.write(List.of(new ResourceWrite.Delete(QUINTESSA_ASTHMA, OptionalLong.empty())));

        // when
        store.erase(QUINTESSA_ASTHMA, "entered in error", "dr-bob");

        // then
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM data_keys WHERE type = 'Condition'"))
                .isZero();
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM erasures WHERE type = 'Condition'"
                + " AND reason = 'entered in error' AND actor = 'dr-bob'")).isEqualTo(1);
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM versions WHERE type = 'Condition'"))
                .isEqualTo(2);
    }

    @Test
    void everyWrittenVersionShouldHaveItsOutboxRow() {
        // when
        writeQuintessa();

        // then
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM outbox o JOIN versions v"
                + " ON v.type = o.type AND v.id = o.id AND v.version = o.version")).isEqualTo(3);
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM outbox")).isEqualTo(3);
    }

    @Test
    void anotherNodesKeysShouldBeRefusedWhenTheStoreOpens() {
        // given
        writeQuintessa();
        NodeKeys otherKeys = NodeKeys.loadOrCreate(otherDataDir);

        // when / then
        assertThatThrownBy(() -> PostgresRecordStore.open(STORE.dataSource(), otherKeys, Clock.systemUTC()))
                .isInstanceOfSatisfying(BbehrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEYS_MISMATCH));
    }

    private static void assertTampered(ThrowingCallable read) {
        assertThatThrownBy(read).isInstanceOfSatisfying(BbehrException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TAMPERED));
    }

    private static List<Path> filesContaining(Path directory, String text) throws IOException {
        byte[] needle = text.getBytes(UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (contains(Files.readAllBytes(file), needle)) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Every row of every table of the store's schema, as PostgreSQL prints it. */
    private static List<String> everyRowAsText() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = STORE.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            assertThat(tables).contains("versions", "data_keys", "identifier_tokens", "outbox");
            for (String table : tables) {
                try (ResultSet all = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (all.next()) {
                        rows.add(all.getString(1));
                    }
                }
            }
        }
        return rows;
    }
}
