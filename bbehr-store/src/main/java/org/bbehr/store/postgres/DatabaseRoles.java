package org.bbehr.store.postgres;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.store.crypto.SecretFiles;
import org.postgresql.PGConnection;

/**
 * Who may do what in the node's database. Migrations run as {@link #OWNER}, which owns the schema; the node runs as
 * {@link #NODE}, which may read and write the store's rows and analyse its tables, and nothing else: it cannot change
 * the schema, read the server's files, create roles or touch the migrations' history. The superuser is only used to
 * set the roles up. Every role logs in with a password (SCRAM); in the embedded server these come from one generated
 * secret kept, readable by the node's account only, in the data directory.
 */
public final class DatabaseRoles {

    public static final String SUPERUSER = "postgres";
    public static final String OWNER = "bbehr_owner";
    public static final String NODE = "bbehr_node";
    /** The superuser's password, in the data directory; the other roles' passwords are derived from it. */
    public static final String PASSWORD_FILE = "postgres.password";
    /** Flyway's table, which only the owner writes. */
    private static final String MIGRATION_HISTORY = "flyway_schema_history";

    /** A role and its password. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return user;
        }
    }

    /** The embedded server's passwords, made from one secret. */
    public record Passwords(String superuser) {
        public Login superuserLogin() {
            return new Login(SUPERUSER, superuser);
        }

        public Login owner() {
            return new Login(OWNER, derive(OWNER));
        }

        public Login node() {
            return new Login(NODE, derive(NODE));
        }

        private String derive(String role) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(superuser.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(mac.doFinal(("bbehr postgres role " + role).getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }

        @Override
        public String toString() {
            return "Passwords[...]";
        }
    }

    private DatabaseRoles() {}

    /** The passwords kept in {@code file}, made (mode 600) if there are none yet. */
    public static Passwords loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            SecretFiles.write(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        }
        return load(file);
    }

    /** The passwords kept in {@code file}. */
    public static Passwords load(Path file) {
        String secret = SecretFiles.read(file).strip();
        if (secret.isEmpty()) {
            throw new BbehrException(ErrorCode.KEYS_MISSING, file + " is empty: it should hold the embedded "
                    + "PostgreSQL's password");
        }
        return new Passwords(secret);
    }

    /**
     * Creates the owner and node roles if they are missing and sets their passwords, and makes the owner own
     * {@code database} (creating it if needed) and everything in its {@code public} schema, as a store made before
     * the roles existed needs. Runs as the superuser, connected to the {@code postgres} database.
     */
    static void setUp(Connection superuser, String database, Login owner, Login node) throws SQLException {
        try (Statement statement = superuser.createStatement()) {
            for (Login login : List.of(owner, node)) {
                if (!exists(superuser, "SELECT 1 FROM pg_roles WHERE rolname = ?", login.user())) {
                    statement.execute("CREATE ROLE " + login.user()
                            + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
                }
                superuser.unwrap(PGConnection.class).alterUserPassword(login.user(), login.password().toCharArray(),
                        "scram-sha-256");
            }
            if (!exists(superuser, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                statement.execute("CREATE DATABASE " + database + " OWNER " + owner.user()
                        + " ENCODING 'UTF8' TEMPLATE template0");
            } else {
                statement.execute("ALTER DATABASE " + database + " OWNER TO " + owner.user());
            }
            statement.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
            statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + node.user());
        }
    }

    /** Gives the owner what the superuser owns in the store's schema (a store made before the roles). */
    static void takeOver(Connection superuserOnStore, String owner) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (PreparedStatement relations = superuserOnStore.prepareStatement("""
                SELECT c.relkind, quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND pg_get_userbyid(c.relowner) <> ? AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
                ORDER BY c.relkind DESC""")) {
            relations.setString(1, owner);
            try (ResultSet row = relations.executeQuery()) {
                while (row.next()) {
                    String kind = switch (row.getString(1)) {
                        case "S" -> "SEQUENCE";
                        case "v" -> "VIEW";
                        case "m" -> "MATERIALIZED VIEW";
                        default -> "TABLE";
                    };
                    statements.add("ALTER " + kind + " public." + row.getString(2) + " OWNER TO " + owner);
                }
            }
        }
        try (PreparedStatement functions = superuserOnStore.prepareStatement("""
                SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> ?""")) {
            functions.setString(1, owner);
            try (ResultSet row = functions.executeQuery()) {
                while (row.next()) {
                    statements.add("ALTER ROUTINE " + row.getString(1) + " OWNER TO " + owner);
                }
            }
        }
        try (Statement statement = superuserOnStore.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
            statement.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
    }

    /**
     * Gives {@code node} the rights it needs on what the owner's migrations made: rows of every table but the
     * migrations' history (which it may only read), the identity sequences, and ANALYZE. Runs as the owner after
     * every migration.
     */
    static void grantNode(Connection owner, String node) throws SQLException {
        try (Statement statement = owner.createStatement()) {
            statement.execute("GRANT USAGE ON SCHEMA public TO " + node);
            statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE, MAINTAIN ON ALL TABLES IN SCHEMA public TO "
                    + node);
            statement.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + node);
            if (exists(owner, "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = ?",
                    MIGRATION_HISTORY)) {
                // read, so that a node started on a schema that is up to date finds nothing to do
                statement.execute("REVOKE ALL ON public." + MIGRATION_HISTORY + " FROM " + node);
                statement.execute("GRANT SELECT ON public." + MIGRATION_HISTORY + " TO " + node);
            }
            // the one-time upgrade passes' requests: the node may read and clear them, not set them off again
            for (String table : List.of("state_sealing", "erasure_sealing")) {
                if (exists(owner, "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = ?", table)) {
                    statement.execute("REVOKE INSERT ON public." + table + " FROM " + node);
                }
            }
        }
    }

    private static boolean exists(Connection connection, String query, String value) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, value);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }
}
