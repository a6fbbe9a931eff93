package org.bbehr.app.cli;

import java.time.Clock;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.Database;
import org.bbehr.store.postgres.ExternalPostgres;
import org.bbehr.store.postgres.PostgresServer;
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

    /** An open store and what it runs on; close it when done. */
    record Opened(Database database, NodeKeys keys, PostgresRecordStore store) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            database.close();
        }
    }

    Opened open() {
        Database database = url == null
                ? PostgresServer.start(PostgresServer.Options.in(dataDir.dataDir))
                : ExternalPostgres.connect(new ExternalPostgres.Options(url, user,
                        System.getenv().getOrDefault("BBEHR_STORE_PASSWORD", ""), 2));
        try {
            NodeKeys keys = NodeKeys.load(dataDir.dataDir);
            return new Opened(database, keys, PostgresRecordStore.open(database.dataSource(), keys, Clock.systemUTC()));
        } catch (RuntimeException e) {
            try {
                database.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
