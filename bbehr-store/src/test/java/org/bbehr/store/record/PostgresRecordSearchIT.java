package org.bbehr.store.record;

import java.nio.file.Path;
import java.time.Clock;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.search.RecordSearchContractTest;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The search contract on a real, embedded PostgreSQL. */
class PostgresRecordSearchIT extends RecordSearchContractTest {

    @TempDir
    static Path dataDir;

    private static PostgresServer server;
    private static NodeKeys keys;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start(PostgresServer.Options.in(dataDir));
        keys = NodeKeys.loadOrCreate(dataDir);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected RecordStore newStore(Clock clock) {
        Tables.truncateAll(server.dataSource());
        return PostgresRecordStore.open(server.dataSource(), keys, clock);
    }
}
