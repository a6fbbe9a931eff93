package org.bbehr.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded, real PostgreSQL (zonky's binaries) whose data lives in {@code <dataDir>/postgres} across restarts,
 * listening on 127.0.0.1 only, with durable settings: what it acknowledges survives a crash. A server left running by
 * a killed process is stopped before a new one starts. For development and single-host nodes; production runs
 * {@link ExternalPostgres}.
 */
public final class PostgresServer implements Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    private static final String DATABASE = "bbehr";
    private static final String SUPERUSER = "postgres";
    private static final int POOL_SIZE = 10;
    private static final String SHARED_BUFFERS = "512MB";

    /**
     * @param dataDir the node's data directory; the server's files go in its {@code postgres} folder
     * @param port the port on 127.0.0.1, or 0 for a free one
     */
    public record Options(Path dataDir, int port) {
        public static Options in(Path dataDir) {
            return new Options(dataDir, 0);
        }
    }

    private final EmbeddedPostgres server;
    private final HikariDataSource pool;
    private final Path directory;
    private final PlannerStatistics statistics;

    private PostgresServer(EmbeddedPostgres server, HikariDataSource pool, Path directory) {
        this.server = server;
        this.pool = pool;
        this.directory = directory;
        this.statistics = PlannerStatistics.start(pool);
    }

    /** Starts the server (creating its database on the first start) and migrates the schema. */
    public static PostgresServer start(Options options) {
        Path directory = options.dataDir().toAbsolutePath().resolve("postgres");
        createDirectories(directory);
        OrphanedPostmaster.clear(directory);
        long started = System.nanoTime();
        EmbeddedPostgres server = launch(directory, options.port());
        try {
            createDatabase(server);
            HikariDataSource pool = Pools.open(jdbcUrl(server.getPort()), SUPERUSER, null, POOL_SIZE);
            log.info("PostgreSQL ready on 127.0.0.1:{} in {} ms, data in {}", server.getPort(),
                    (System.nanoTime() - started) / 1_000_000, directory);
            return new PostgresServer(server, pool, directory);
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return jdbcUrl(server.getPort());
    }

    /** The server's data directory. */
    public Path directory() {
        return directory;
    }

    /** Closes the pool and stops the server (a fast shutdown, which checkpoints). */
    @Override
    public void close() {
        statistics.close();
        pool.close();
        stop(server);
    }

    private static EmbeddedPostgres launch(Path directory, int port) {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setLocaleConfig("locale", "C")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // the builder is made for tests and favours speed: turn durability back on
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "100")
                    // initdb's 128 MB made every write batch evict dirty pages (written out, checksummed, read back)
                    // once the store outgrew it; 16 MB of WAL buffers (the most PostgreSQL picks by itself) follow
                    .setServerConfig("shared_buffers", SHARED_BUFFERS)
                    .setServerConfig("max_wal_size", "2GB")
                    // the store's pages are in memory or on SSD: with the default 4 the planner hash-joined a write's
                    // 50 keys against a sequential scan of resources until it held ~20,000 rows
                    .setServerConfig("random_page_cost", "1.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot start the embedded PostgreSQL in "
                    + directory + ": " + e.getMessage(), e);
        }
    }

    private static void createDatabase(EmbeddedPostgres server) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8' TEMPLATE template0");
            }
            log.info("created the database {}", DATABASE);
        } catch (SQLException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot create the database " + DATABASE + ": "
                    + e.getMessage(), e);
        }
    }

    private static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    private static void stop(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            log.warn("PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.DATA_DIR_INVALID, "cannot create " + directory + ": " + e.getMessage(),
                    e);
        }
    }
}
