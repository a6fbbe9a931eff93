package org.bbehr.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import java.sql.PreparedStatement;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connection pools on PostgreSQL, with the store's schema migrated by Flyway. */
final class Pools {

    private static final Logger log = LoggerFactory.getLogger(Pools.class);

    private Pools() {}

    /** A HikariCP pool on {@code jdbcUrl}, after Flyway has brought the schema up to date as the same role. */
    static HikariDataSource open(String jdbcUrl, String user, String password, int maxPoolSize) {
        return open(jdbcUrl, new DatabaseRoles.Login(user, password), null, maxPoolSize);
    }

    /**
     * A HikariCP pool on {@code jdbcUrl} as {@code node}, after Flyway has brought the schema up to date as
     * {@code owner}, which then grants {@code node} what it needs ({@link DatabaseRoles#grantNode}); with no owner, the
     * node's role migrates the schema itself.
     */
    static HikariDataSource open(String jdbcUrl, DatabaseRoles.Login node, DatabaseRoles.Login owner,
            int maxPoolSize) {
        if (owner != null) {
            migrateAsOwner(jdbcUrl, owner, node.user());
        }
        String user = node.user();
        String password = node.password();
        HikariConfig config = new HikariConfig();
        config.setPoolName("bbehr-store");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        // one multi-row INSERT per JDBC batch
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot connect to PostgreSQL at " + jdbcUrl + ": "
                    + e.getMessage(), e);
        }
        try {
            if (owner == null) {
                migrate(pool);
            }
            return pool;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static void migrateAsOwner(String jdbcUrl, DatabaseRoles.Login owner, String node) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bbehr-migrations");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(owner.user());
        config.setPassword(owner.password());
        // Flyway holds one connection for its lock and works on another
        config.setMaximumPoolSize(2);
        try (HikariDataSource migrations = new HikariDataSource(config)) {
            migrate(migrations);
            try (Connection connection = migrations.getConnection()) {
                DatabaseRoles.grantNode(connection, node);
            }
        } catch (SQLException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot grant " + node + " its rights: "
                    + e.getMessage(), e);
        } catch (BbehrException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot connect to PostgreSQL at " + jdbcUrl
                    + " as " + owner.user() + ": " + e.getMessage(), e);
        }
    }

    private static void migrate(DataSource pool) {
        try {
            int applied = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load()
                    .migrate().migrationsExecuted;
            log.info("database schema up to date ({} migrations applied now)", applied);
        } catch (FlywayException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot migrate the database schema: "
                    + e.getMessage(), e);
        }
    }

    /** The value of a server setting, e.g. {@code fsync}. */
    static String setting(DataSource dataSource, String name) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        } catch (SQLException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot read the setting " + name + ": "
                    + e.getMessage(), e);
        }
    }
}
