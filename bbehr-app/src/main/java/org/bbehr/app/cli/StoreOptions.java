package org.bbehr.app.cli;

import java.nio.file.Files;
import java.time.Clock;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.Database;
import org.bbehr.store.postgres.DatabaseRoles;
import org.bbehr.store.postgres.ExternalPostgres;
import org.bbehr.store.postgres.PostgresServer;
import org.bbehr.store.postgres.StoreLock;
import org.bbehr.store.record.PostgresRecordStore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which record store a maintenance command works on: the embedded one in the data directory, or one by URL. */
final class StoreOptions {

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--store-url", paramLabel = "JDBC-URL",
            description = "An external PostgreSQL (password in BBEHR_STORE_PASSWORD); default: the embedded one in "
                    + "the data directory (stop the node first).")
    String url;

    @Option(names = "--store-user", paramLabel = "USER", defaultValue = "bbehr", description = "Default: ${DEFAULT-VALUE}.")
    String user;

    @Option(names = "--store-owner", paramLabel = "USER", description = "The external schema's owner, who migrates it "
            + "and grants --store-user its rights (password in BBEHR_STORE_OWNER_PASSWORD); default: --store-user "
            + "owns the schema.")
    String owner;

    @Option(names = "--kek-pkcs11", paramLabel = "CONFIG", description = "The node's key-encryption key is in an HSM:"
            + " this SunPKCS11 configuration file names its token (PIN in BBEHR_PKCS11_PIN; key label with"
            + " --kek-label).")
    java.nio.file.Path kekPkcs11;

    @Option(names = "--kek-label", paramLabel = "LABEL", defaultValue = "bbehr-kek",
            description = "The KEK's label in the HSM. Default: ${DEFAULT-VALUE}.")
    String kekLabel;

    /** An open store and what it runs on (and its lock, for a command that needs it alone); close it when done. */
    record Opened(Database database, NodeKeys keys, PostgresRecordStore store, StoreLock lock)
            implements AutoCloseable {
        @Override
        public void close() {
            if (lock != null) {
                lock.close();
            }
            closeDatabase(database);
        }
    }

    /** Opens the store, hands it to {@code action}, closes it whatever happens. */
    <T> T apply(java.util.function.Function<PostgresRecordStore, T> action) {
        try (Opened opened = open()) {
            return action.apply(opened.store());
        }
    }

    /** Like {@link #apply}, with the store to {@code command} alone (see {@link #openAlone}). */
    <T> T applyAlone(String command, java.util.function.Function<PostgresRecordStore, T> action) {
        try (Opened opened = openAlone(command)) {
            return action.apply(opened.store());
        }
    }

    /**
     * @throws BbehrException {@code DATA_DIR_INVALID} when no external store is named and the data directory holds
     *     no embedded database: rather than create an empty one (and, say, rotate keys over it), the command stops
     */
    Opened open() {
        return open(null);
    }

    /**
     * Like {@link #open()}, for a command that changes what a running node holds in memory (its keys): refused with
     * {@code STORE_IN_USE} while a node, or another such command, runs on the store's database.
     */
    Opened openAlone(String command) {
        return open(command);
    }

    private Opened open(String alone) {
        if (url == null && !Files.isDirectory(dataDir.dataDir.resolve("postgres"))) {
            throw new BbehrException(ErrorCode.DATA_DIR_INVALID, "no embedded database in " + dataDir.dataDir
                    + ": give the data directory of the node (--data-dir), or its external database (--store-url)");
        }
        Database database = url == null
                ? PostgresServer.start(PostgresServer.Options.in(dataDir.dataDir))
                : ExternalPostgres.connect(new ExternalPostgres.Options(url, user,
                        System.getenv().getOrDefault("BBEHR_STORE_PASSWORD", ""), alone == null ? 2 : 3,
                        owner == null ? null : new DatabaseRoles.Login(owner,
                                System.getenv().getOrDefault("BBEHR_STORE_OWNER_PASSWORD", ""))));
        StoreLock lock = null;
        try {
            lock = alone == null ? null : StoreLock.acquire(database.dataSource(), alone);
            NodeKeys keys = kekPkcs11 == null ? NodeKeys.load(dataDir.dataDir)
                    : NodeKeys.withTokenKek(dataDir.dataDir, org.bbehr.store.crypto.Pkcs11Kek.open(kekPkcs11,
                            System.getenv().getOrDefault("BBEHR_PKCS11_PIN", "").toCharArray(), kekLabel));
            return new Opened(database, keys, PostgresRecordStore.open(database.dataSource(), keys, Clock.systemUTC()),
                    lock);
        } catch (RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            closeDatabase(database);
            throw e;
        }
    }

    private static void closeDatabase(Database database) {
        try {
            database.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the database: " + e.getMessage(), e);
        }
    }
}
