package org.bbehr.store.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.postgres.DatabaseRoles;
import org.bbehr.store.postgres.PostgresServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real, embedded PostgreSQL with the store's schema and a node's keys in a data directory of its own, for one test
 * class: started before its first test, every table emptied before each test, stopped and deleted after the last.
 * Registered as a static field with {@code @RegisterExtension}.
 */
final class EmbeddedStore implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private Path dataDir;
    private PostgresServer server;
    private NodeKeys keys;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("bbehr-store-it-");
        server = PostgresServer.start(PostgresServer.Options.in(dataDir));
        keys = NodeKeys.loadOrCreate(dataDir);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Tables.truncateAll(superuser());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        server.close();
        delete(dataDir);
    }

    PostgresServer server() {
        return server;
    }

    DataSource dataSource() {
        return server.dataSource();
    }

    /** Connections as the database's superuser, for what the node's role may not do (TRUNCATE, CHECKPOINT, DDL). */
    DataSource superuser() {
        return server.dataSourceAs(DatabaseRoles.load(PostgresServer.passwordFile(dataDir)).superuserLogin());
    }

    /** The directory of the database and of the keys. */
    Path dataDir() {
        return dataDir;
    }

    /** The keys made when the server started (a test that replaces them loads them from {@link #dataDir()}). */
    NodeKeys keys() {
        return keys;
    }

    /** Removes the keys from the data directory, so that the next {@code NodeKeys.loadOrCreate} makes new ones. */
    void deleteKeys() throws IOException {
        delete(NodeKeys.keysDir(dataDir));
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
