package org.bbehr.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded, real PostgreSQL (zonky's binaries) whose data lives in {@code <dataDir>/postgres} across restarts,
 * listening on 127.0.0.1 only, with durable settings: what it acknowledges survives a crash. A server left running by
 * a killed process is stopped before a new one starts. For development and single-host nodes; production runs
 * {@link ExternalPostgres}.
 *
 * <p>No connection is trusted for being local: every role proves a password (SCRAM), the superuser's made on the first
 * start and given to {@code initdb}, so the server never accepts a connection without one, and kept in
 * {@code <dataDir>/postgres.password} (mode 600). Migrations run as the schema's owner and the node as a role
 * that can only read and write rows ({@link DatabaseRoles}). A data directory made before this (trusting every local
 * connection) is converted on its next start.
 */
public final class PostgresServer implements Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    private static final String DATABASE = "bbehr";
    private static final String SUPERUSER = DatabaseRoles.SUPERUSER;
    /** Every connection, over TCP or the Unix socket, proves its password; replication is refused. */
    static final String HBA = """
            # written by BbEHR on every start: every role proves its password (SCRAM), nothing is trusted
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;
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
        Path passwordFile = passwordFile(options.dataDir());
        // a data directory whose pg_hba.conf is not ours trusts local connections (an earlier release, or a conversion
        // that stopped half-way): it is converted, whether or not the password file was already made
        boolean converting = Files.exists(directory.resolve("PG_VERSION")) && !hbaIsOurs(directory);
        DatabaseRoles.Passwords passwords = DatabaseRoles.loadOrCreate(passwordFile);
        long started = System.nanoTime();
        EmbeddedPostgres server = launch(directory, options.port(), passwordFile, passwords);
        try {
            secure(server, directory, passwords, converting);
            HikariDataSource pool = Pools.open(jdbcUrl(server.getPort()), passwords.node(), passwords.owner(),
                    POOL_SIZE);
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

    /**
     * Connections to the store's database as {@code login}, not pooled: for maintenance that needs another role than
     * the node's (the superuser's password is in {@link #passwordFile}).
     */
    public DataSource dataSourceAs(DatabaseRoles.Login login) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl());
        dataSource.setUser(login.user());
        dataSource.setPassword(login.password());
        return dataSource;
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

    private static boolean hbaIsOurs(Path directory) {
        try {
            Path hba = directory.resolve("pg_hba.conf");
            return Files.exists(hba) && HBA.equals(Files.readString(hba));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The file that holds the embedded server's password: in the data directory beside the keys' folder, not in it,
     * so that restoring or replacing the keys leaves the database reachable.
     */
    public static Path passwordFile(Path dataDir) {
        return dataDir.toAbsolutePath().resolve(DatabaseRoles.PASSWORD_FILE);
    }

    private static EmbeddedPostgres launch(Path directory, int port, Path passwordFile,
            DatabaseRoles.Passwords passwords) {
        try {
            return EmbeddedPostgres.builder()
                    // initdb (first start only): the superuser gets its password at once, no connection is trusted
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    // the builder's own readiness check and connections log in with it too
                    .setConnectConfig("password", passwords.superuser())
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

    /**
     * Makes the server ask every connection for its password, sets up the roles and the database, and (for a data
     * directory that trusted local connections) gives the superuser its password and the owner the store's objects.
     */
    private static void secure(EmbeddedPostgres server, Path directory, DatabaseRoles.Passwords passwords,
            boolean converting) {
        try (Connection superuser = server.getPostgresDatabase().getConnection()) {
            if (converting) {
                superuser.unwrap(PGConnection.class).alterUserPassword(SUPERUSER,
                        passwords.superuser().toCharArray(), "scram-sha-256");
                log.info("converting a data directory that trusted local connections: every role now logs in "
                        + "with a password");
            }
            Path hba = directory.resolve("pg_hba.conf");
            if (!HBA.equals(Files.readString(hba))) {
                Path written = Files.writeString(directory.resolve("pg_hba.conf.new"), HBA);
                Files.move(written, hba, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (Statement reload = superuser.createStatement()) {
                    reload.execute("SELECT pg_reload_conf()");
                }
            }
            DatabaseRoles.setUp(superuser, DATABASE, passwords.owner(), passwords.node());
        } catch (SQLException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot set up the embedded PostgreSQL's roles"
                    + " (does " + DatabaseRoles.PASSWORD_FILE + " still hold its password?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot write " + directory.resolve("pg_hba.conf")
                    + ": " + e.getMessage(), e);
        }
        try (Connection superuserOnStore = server.getDatabase(SUPERUSER, DATABASE).getConnection()) {
            DatabaseRoles.takeOver(superuserOnStore, DatabaseRoles.OWNER);
        } catch (SQLException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot give the database " + DATABASE + " to "
                    + DatabaseRoles.OWNER + ": " + e.getMessage(), e);
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
