package org.bbehr.store.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.NodeKeys;
import org.bbehr.store.record.PostgresRecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL: durable, persistent, and able to take over from a server left behind by a dead node. */
class PostgresServerIT {

    @TempDir
    Path dataDir;

    @Test
    void serverShouldRunWithDurableSettingsOnLoopbackOnly() throws Exception {
        // given
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // then
            assertThat(show(server, "fsync")).isEqualTo("on");
            assertThat(show(server, "synchronous_commit")).isEqualTo("on");
            assertThat(show(server, "full_page_writes")).isEqualTo("on");
            assertThat(show(server, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(server.directory()).isEqualTo(dataDir.toAbsolutePath().resolve("postgres"));
        }
    }

    @Test
    void tableShouldBeAnalyzedOnceItHasDoubledSinceItsLastStatistics() throws Exception {
        // (the server's own checks, every few seconds, follow the same rule: the figures hold whichever ran;
        // autovacuum, which would count differently, is off for the table)
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // given a table with fewer changed rows than are worth analyzing
            // (made by the schema's owner, as a migration would, and granted to the node as after a migration)
            try (Connection owner = connect(server, passwords(server).owner());
                    Statement statement = owner.createStatement()) {
                statement.execute("CREATE TABLE growing (n int) WITH (autovacuum_enabled = false)");
                DatabaseRoles.grantNode(owner, DatabaseRoles.NODE);
            }
            insertRows(server, 999);
            PlannerStatistics.refresh(server.dataSource());
            assertThat(estimatedRows(server)).isEqualTo("-1");

            // when it reaches 1,000, then it has statistics
            insertRows(server, 1);
            PlannerStatistics.refresh(server.dataSource());
            assertThat(estimatedRows(server)).isEqualTo("1000");

            // when it has grown by half, nothing; when it has doubled, analyzed again
            insertRows(server, 500);
            PlannerStatistics.refresh(server.dataSource());
            assertThat(estimatedRows(server)).isEqualTo("1000");
            insertRows(server, 600);
            PlannerStatistics.refresh(server.dataSource());
            assertThat(estimatedRows(server)).isEqualTo("2100");
        }
    }

    private static String estimatedRows(PostgresServer server) throws Exception {
        return query(server, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'growing'");
    }

    @Test
    void storeLockShouldHaveOneOwnerAtATimeAndBeFreedWhenItsOwnerGoes() throws Exception {
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // given
            StoreLock node = StoreLock.acquire(server.dataSource(), "the node");

            // then a second owner is refused, however often it asks
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> StoreLock.acquire(server.dataSource(), "bbehr keys rotate-kek"))
                        .isInstanceOfSatisfying(BbehrException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.STORE_IN_USE);
                            assertThat(e.getMessage()).startsWith("bbehr keys rotate-kek needs the store to itself");
                        });
            }

            // when the owner lets go, the next one has it
            node.close();
            StoreLock command = StoreLock.acquire(server.dataSource(), "bbehr keys rotate-kek");

            // when the owner's connection ends without letting go (a killed process), the lock goes with it
            execute(server, "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND granted");
            try (StoreLock next = StoreLock.acquire(server.dataSource(), "the node")) {
                assertThatThrownBy(() -> StoreLock.acquire(server.dataSource(), "bbehr keys rotate-kek"))
                        .isInstanceOf(BbehrException.class);
            }
            command.close();
        }
    }

    @Test
    void restartedServerShouldKeepTheDataOnItsFixedPort() throws Exception {
        // given
        int port = freePort();
        PostgresServer.Options options = new PostgresServer.Options(dataDir, port);
        try (PostgresServer first = PostgresServer.start(options)) {
            execute(first, "INSERT INTO event_cursors VALUES ('survivor', 7)");
        }

        // when
        try (PostgresServer second = PostgresServer.start(options)) {
            // then
            assertThat(second.port()).isEqualTo(port);
            assertThat(query(second, "SELECT next_block FROM event_cursors WHERE feed = 'survivor'")).isEqualTo("7");
        }
    }

    @Test
    void serverLeftRunningByAKilledNodeShouldBeStoppedAndReplacedOnTheNextStart() throws Exception {
        // given
        Process node = startNodeInChildJvm();
        node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long orphanPid = postmasterPid();
        assertThat(ProcessHandle.of(orphanPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        // when
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // then
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(postmasterPid()).isNotEqualTo(orphanPid);
            PostgresRecordStore store = PostgresRecordStore.open(server.dataSource(), NodeKeys.load(dataDir),
                    Clock.systemUTC());
            assertThat(new String(store.findCurrent(OrphanMaker.WRITTEN).orElseThrow().content(), UTF_8))
                    .isEqualTo(OrphanMaker.CONTENT);
        }
    }

    @Test
    void stalePidFileNamingAnotherLiveProcessShouldBeRemoved() throws Exception {
        // given
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            execute(server, "INSERT INTO event_cursors VALUES ('marker', 0)");
        }
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n" + pidFile.getParent() + "\n");

        // when
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // then
            assertThat(query(server, "SELECT count(*) FROM event_cursors WHERE feed = 'marker'")).isEqualTo("1");
            assertThat(ProcessHandle.current().isAlive()).isTrue();
        }
    }

    @Test
    void secondServerOnTheDirectoryOfARunningOneShouldBeRefused() throws Exception {
        // given
        try (PostgresServer running = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // when / then
            assertThatThrownBy(() -> PostgresServer.start(PostgresServer.Options.in(dataDir)))
                    .isInstanceOfSatisfying(BbehrException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                    .hasMessageContaining("in use");
            assertThat(query(running, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void externalPostgresShouldConnectByUrlWithTheSchemaMigrated() throws Exception {
        // given
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // when
            try (ExternalPostgres external = ExternalPostgres.connect(
                    new ExternalPostgres.Options(server.jdbcUrl(), DatabaseRoles.OWNER, passwords(server).owner()
                            .password(), 2))) {
                // then
                try (Connection connection = external.dataSource().getConnection();
                        Statement statement = connection.createStatement();
                        ResultSet row = statement.executeQuery("SELECT count(*) FROM resources")) {
                    row.next();
                    assertThat(row.getLong(1)).isZero();
                }
            }
        }
    }

    @Test
    void externalPostgresShouldMigrateAsTheOwnerAndRunAsTheNodesRole() throws Exception {
        // given: the embedded server's roles, as a hospital's database administrator would set them up
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            DatabaseRoles.Passwords passwords = passwords(server);
            // when
            try (ExternalPostgres external = ExternalPostgres.connect(new ExternalPostgres.Options(server.jdbcUrl(),
                    DatabaseRoles.NODE, passwords.node().password(), 2, passwords.owner()))) {
                // then
                try (Connection connection = external.dataSource().getConnection();
                        Statement statement = connection.createStatement();
                        ResultSet row = statement.executeQuery("SELECT current_user, count(*) FROM resources")) {
                    row.next();
                    assertThat(row.getString(1)).isEqualTo(DatabaseRoles.NODE);
                }
            }
        }
    }

    @Test
    void aLocalUserWithoutThePasswordShouldBeRefusedByPostgres() throws Exception {
        // given: a running embedded server (before, any local account could log in as the superuser, trusted, and
        // read the key files with pg_read_file)
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // when / then: no password, a wrong one, or the node's role with the superuser's: refused
            for (String user : List.of(DatabaseRoles.SUPERUSER, DatabaseRoles.OWNER, DatabaseRoles.NODE)) {
                assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), user, null).close())
                        .as(user).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), user, "guess").close())
                        .as(user).isInstanceOf(SQLException.class)
                        .hasMessageContaining("password authentication failed");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), DatabaseRoles.NODE,
                    passwords(server).superuser()).close()).isInstanceOf(SQLException.class);
            // and no rule of the server trusts anyone, over TCP or the Unix socket
            try (Connection superuser = connect(server, passwords(server).superuserLogin());
                    Statement statement = superuser.createStatement();
                    ResultSet rules = statement.executeQuery(
                            "SELECT count(*), count(*) FILTER (WHERE auth_method <> 'scram-sha-256') FROM pg_hba_file_rules")) {
                rules.next();
                assertThat(rules.getInt(1)).isEqualTo(3);
                assertThat(rules.getInt(2)).isZero();
            }
            assertThat(Files.getPosixFilePermissions(PostgresServer.passwordFile(dataDir)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void theNodesRoleShouldWriteRowsButNeitherReadServerFilesNorChangeTheSchema() throws Exception {
        // given
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            assertThat(query(server, "SELECT current_user")).isEqualTo(DatabaseRoles.NODE);
            assertThat(query(server, "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles"
                    + " WHERE rolname = current_user")).isEqualTo("f");
            execute(server, "INSERT INTO event_cursors (feed, next_block) VALUES ('test', 1)",
                    "UPDATE event_cursors SET next_block = 2 WHERE feed = 'test'",
                    "DELETE FROM event_cursors WHERE feed = 'test'");

            // when / then: each is refused for want of the right
            for (String sql : List.of("SELECT pg_read_file('PG_VERSION')",
                    "SELECT pg_ls_dir('.')",
                    "COPY resources TO '/tmp/bbehr-resources.csv'",
                    "CREATE TABLE stolen (n int)",
                    "DROP TABLE resources",
                    "ALTER TABLE versions DROP COLUMN deleted",
                    "TRUNCATE versions",
                    "DELETE FROM flyway_schema_history",
                    "CREATE ROLE intruder LOGIN SUPERUSER",
                    "ALTER ROLE bbehr_node SUPERUSER")) {
                assertThatThrownBy(() -> execute(server, sql)).as(sql).isInstanceOf(SQLException.class)
                        .hasMessageMatching("(?s).*(permission denied|must be owner).*");
            }
        }
    }

    @Test
    void aDataDirectoryThatTrustedLocalConnectionsShouldBeConvertedOnItsNextStart() throws Exception {
        // given: a store as an earlier release made it: initdb with trust, everything owned by the superuser
        Path postgres = dataDir.resolve("postgres");
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(postgres)
                .setCleanDataDirectory(false).setLocaleConfig("locale", "C").start()) {
            try (Connection admin = old.getPostgresDatabase().getConnection();
                    Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE bbehr ENCODING 'UTF8' TEMPLATE template0");
            }
            String url = "jdbc:postgresql://127.0.0.1:" + old.getPort() + "/bbehr";
            Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").load().migrate();
            try (Connection admin = DriverManager.getConnection(url, "postgres", null);
                    Statement statement = admin.createStatement()) {
                statement.execute("INSERT INTO event_cursors (feed, next_block) VALUES ('kept', 42)");
            }
        }

        // when
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            // then: the data is there, the owner owns every table, the node reads and writes it, trust is gone
            assertThat(query(server, "SELECT next_block FROM event_cursors WHERE feed = 'kept'")).isEqualTo("42");
            assertThat(query(server, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                    + " AND tableowner <> 'bbehr_owner'")).isEqualTo("0");
            execute(server, "UPDATE event_cursors SET next_block = 43 WHERE feed = 'kept'");
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", null).close())
                    .isInstanceOf(SQLException.class);
        }
        // and the next start opens it as it is now
        try (PostgresServer server = PostgresServer.start(PostgresServer.Options.in(dataDir))) {
            assertThat(query(server, "SELECT next_block FROM event_cursors WHERE feed = 'kept'")).isEqualTo("43");
        }
    }

    private DatabaseRoles.Passwords passwords(PostgresServer server) {
        return DatabaseRoles.load(PostgresServer.passwordFile(dataDir));
    }

    private static Connection connect(PostgresServer server, DatabaseRoles.Login login) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), login.user(), login.password());
    }

    private Process startNodeInChildJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OrphanMaker.class.getName(), dataDir.toString()).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        return;
                    }
                }
                throw new IllegalStateException("the child JVM exited with " + node.waitFor());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.destroyForcibly();
            throw e;
        }
        return node;
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().strip());
    }

    private static String show(PostgresServer server, String setting) throws Exception {
        return query(server, "SHOW " + setting);
    }

    private static String query(PostgresServer server, String sql) throws Exception {
        try (Connection connection = server.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private static void execute(PostgresServer server, String... sql) throws Exception {
        try (Connection connection = server.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            for (String each : List.of(sql)) {
                statement.execute(each);
            }
        }
    }

    /** Inserts rows and makes their counts visible to the statistics views at once (not within a second). */
    private static void insertRows(PostgresServer server, int rows) throws Exception {
        try (Connection connection = server.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("INSERT INTO growing SELECT generate_series(1, " + rows + ")");
            statement.execute("SELECT pg_stat_force_next_flush()");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
