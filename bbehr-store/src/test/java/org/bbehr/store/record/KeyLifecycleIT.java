package org.bbehr.store.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.bbehr.core.record.IndexEntries;
import org.bbehr.core.record.ResourceKey;
import org.bbehr.core.record.ResourceWrite;
import org.bbehr.store.crypto.KeyBackup;
import org.bbehr.store.crypto.NodeKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Backing up, restoring and rotating a node's keys over a database full of records. */
class KeyLifecycleIT {

    private static final int PATIENTS = 1_200;
    private static final char[] PASSPHRASE = "synthetic test passphrase".toCharArray();

    @RegisterExtension
    static final EmbeddedStore STORE = new EmbeddedStore();

    @TempDir
    Path backups;

    @BeforeEach
    void freshKeysAndRecords() throws Exception {
        STORE.deleteKeys();
        PostgresRecordStore store = PostgresRecordStore.open(STORE.dataSource(), NodeKeys.loadOrCreate(STORE.dataDir()),
                Clock.systemUTC());
        for (int from = 0; from < PATIENTS; from += 100) {
            List<ResourceWrite> batch = new ArrayList<>();
            for (int i = from; i < from + 100; i++) {
                batch.add(new ResourceWrite.Put(patient(i), OptionalLong.empty(), content(i), IndexEntries.NONE));
            }
            store.write(batch);
        }
    }

    private static ResourceKey patient(int i) {
        return new ResourceKey("Patient", "synthetic-" + i);
    }

    private static byte[] content(int i) {
        return ("{\"resourceType\":\"Patient\",\"id\":\"synthetic-" + i + "\"}").getBytes(UTF_8);
    }

    /** Reads every record as a restarted node would: keys from disk, no cached data key. */
    private static void assertEveryRecordReads() {
        PostgresRecordStore restarted = PostgresRecordStore.open(STORE.dataSource(), NodeKeys.load(STORE.dataDir()),
                Clock.systemUTC());
        for (int i = 0; i < PATIENTS; i++) {
            assertThat(restarted.findCurrent(patient(i)).orElseThrow().content()).isEqualTo(content(i));
        }
    }

    @Test
    void anErasuresSealShouldStillHoldAfterAKekRotation() {
        // given: an erased resource, its marker sealed under the KEK that the rotation retires
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC());
        store.write(List.of(new ResourceWrite.Put(new ResourceKey("Observation", "erased-before-rotation"),
                OptionalLong.empty(), "{\"resourceType\":\"Observation\"}".getBytes(UTF_8), IndexEntries.NONE)));
        store.erase(new ResourceKey("Observation", "erased-before-rotation"), "synthetic test erasure", "it-test");
        assertThat(sealedErasures(store)).containsExactly(true);
        // when
        store.rotateKek((done, total) -> { });
        // then: the seal was made again under the new KEK before the old one went
        PostgresRecordStore restarted = PostgresRecordStore.open(STORE.dataSource(), NodeKeys.load(STORE.dataDir()),
                Clock.systemUTC());
        assertThat(sealedErasures(restarted)).containsExactly(true);
    }

    @Test
    void erasuresMadeBeforeSealingShouldBeSealedOnceOnTheNextStartAndNeverAgain() {
        // given: an erasure as the release before made it (no seal), and the migration's request to seal them
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC());
        store.write(List.of(new ResourceWrite.Put(new ResourceKey("Observation", "erased-before-sealing"),
                OptionalLong.empty(), "{\"resourceType\":\"Observation\"}".getBytes(UTF_8), IndexEntries.NONE)));
        store.erase(new ResourceKey("Observation", "erased-before-sealing"), "synthetic test erasure", "it-test");
        Tables.execute(STORE.dataSource(), "UPDATE erasures SET seal = NULL");
        // (it was anchored then: a batch with its leaf)
        Tables.execute(STORE.superuser(), "INSERT INTO anchor_batches (hospital_id, root, leaf_count, tx_hash, tx_raw,"
                + " tx_from, tx_nonce, tx_gas_limit, created_at, anchored) VALUES (1, decode(repeat('01', 32), 'hex'),"
                + " 1, decode(repeat('02', 32), 'hex'), '\\x03', '0x0', 0, 0, now(), true)");
        Tables.execute(STORE.superuser(), "INSERT INTO anchor_leaves (kind, type, id, version, batch_id, content_hash,"
                + " proof) SELECT 1, type, id, versions, (SELECT max(id) FROM anchor_batches),"
                + " decode(repeat('04', 32), 'hex'), '\\x' FROM erasures");
        // and the node's role cannot set the pass off itself
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Tables.execute(STORE.dataSource(),
                "INSERT INTO erasure_sealing VALUES (true)")).hasMessageContaining("permission denied");
        Tables.execute(STORE.superuser(), "INSERT INTO erasure_sealing VALUES (true)");
        // when: the next start
        PostgresRecordStore next = PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC());
        // then
        assertThat(sealedErasures(next)).containsExactly(true);
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM erasure_sealing")).isZero();
        // and a seal removed later is not made again by a start
        Tables.execute(STORE.dataSource(), "UPDATE erasures SET seal = NULL");
        assertThat(sealedErasures(PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC())))
                .containsExactly(false);
        // nor, when the pass is set off again in the database, a marker that was never anchored (one made up)
        Tables.execute(STORE.superuser(), "DELETE FROM anchor_leaves");
        Tables.execute(STORE.superuser(), "INSERT INTO erasure_sealing VALUES (true)");
        assertThat(sealedErasures(PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC())))
                .containsExactly(false);
    }

    /** Whether each erasure's marker carries the node's seal, as $verify sees it. */
    private static List<Boolean> sealedErasures(PostgresRecordStore store) {
        List<Boolean> sealed = new ArrayList<>();
        store.evidence().forEachPage(org.bbehr.core.verify.VerifyScope.everything(), page -> page.stream()
                .filter(e -> e.erasure() != null).forEach(e -> sealed.add(e.erasure().sealed())));
        return sealed;
    }

    @Test
    void restoredKeysShouldReadEveryRecordAfterTheKeysWereLost() throws Exception {
        // given
        Path backup = backups.resolve("node-keys.backup");
        KeyBackup.write(NodeKeys.load(STORE.dataDir()), backup, PASSPHRASE);
        STORE.deleteKeys();

        // when
        KeyBackup.restore(backup, PASSPHRASE, STORE.dataDir());

        // then
        assertEveryRecordReads();
    }

    @Test
    void rotationShouldRewrapEveryDataKeyAndRetireTheOldKek() {
        // given
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        int oldKek = keys.kek().primaryId();
        PostgresRecordStore store = PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC());
        List<long[]> reports = new ArrayList<>();

        // when
        long rewrapped = store.rotateKek((done, total) -> {
            reports.add(new long[] {done, total});
            assertEveryRecordReads();
        });

        // then
        assertThat(rewrapped).isEqualTo(PATIENTS);
        assertThat(reports).hasSizeGreaterThan(1);
        assertThat(reports.getLast()).containsExactly(PATIENTS, PATIENTS);
        NodeKeys reloaded = NodeKeys.load(STORE.dataDir());
        assertThat(reloaded.kek().size()).isEqualTo(1);
        assertThat(reloaded.kek().primaryId()).isNotEqualTo(oldKek);
        assertThat(Tables.count(STORE.dataSource(), "SELECT count(*) FROM data_keys WHERE kek_id <> "
                + reloaded.kek().primaryId())).isZero();
        assertEveryRecordReads();
        assertThat(store.findCurrent(patient(0)).orElseThrow().content()).isEqualTo(content(0));
    }

    @Test
    void interruptedRotationShouldLeaveEveryRecordReadableAndResume() {
        // given
        PostgresRecordStore store = PostgresRecordStore.open(STORE.dataSource(), NodeKeys.load(STORE.dataDir()),
                Clock.systemUTC());
        assertThatThrownBy(() -> store.rotateKek((done, total) -> {
            if (done >= total / 3) {
                throw new IllegalStateException("the operator pressed ctrl-c");
            }
        })).hasMessageContaining("ctrl-c");
        assertThat(NodeKeys.load(STORE.dataDir()).kek().size()).isEqualTo(2);
        assertEveryRecordReads();

        // when
        PostgresRecordStore restarted = PostgresRecordStore.open(STORE.dataSource(), NodeKeys.load(STORE.dataDir()),
                Clock.systemUTC());
        long rewrapped = restarted.rotateKek((done, total) -> { });

        // then
        assertThat(rewrapped).isLessThan(PATIENTS).isPositive();
        assertThat(NodeKeys.load(STORE.dataDir()).kek().size()).isEqualTo(1);
        assertEveryRecordReads();
    }

    @Test
    void writesDuringARotationShouldBeReadableAfterIt() {
        // given
        NodeKeys keys = NodeKeys.load(STORE.dataDir());
        PostgresRecordStore store = PostgresRecordStore.open(STORE.dataSource(), keys, Clock.systemUTC());
        ResourceKey latecomer = new ResourceKey("Patient", "latecomer");

        // when
        store.rotateKek((done, total) -> {
            if (done < total) {
                store.write(List.of(new ResourceWrite.Put(new ResourceKey("Patient", "latecomer-" + done),
                        OptionalLong.empty(), content(0), IndexEntries.NONE)));
            }
        });
        store.write(List.of(new ResourceWrite.Put(latecomer, OptionalLong.empty(), content(1), IndexEntries.NONE)));

        // then
        PostgresRecordStore restarted = PostgresRecordStore.open(STORE.dataSource(), NodeKeys.load(STORE.dataDir()),
                Clock.systemUTC());
        assertThat(restarted.typeHistory("Patient", null, 0, 2 * PATIENTS)).hasSizeGreaterThan(PATIENTS + 1);
        assertThat(restarted.findCurrent(latecomer).orElseThrow().content()).isEqualTo(content(1));
    }
}
