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

    /** A HikariCP pool on {@code jdbcUrl}, after Flyway has brought the schema up to date. */
    static HikariDataSource open(String jdbcUrl, String user, String password, int maxPoolSize) {
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
            migrate(pool);
            return pool;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static void migrate(HikariDataSource pool) {
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
