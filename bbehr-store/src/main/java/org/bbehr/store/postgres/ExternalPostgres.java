package org.bbehr.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server that the hospital runs itself (production), reached by a JDBC URL. */
public final class ExternalPostgres implements Database {

    private static final Logger log = LoggerFactory.getLogger(ExternalPostgres.class);

    /**
     * @param jdbcUrl e.g. {@code jdbc:postgresql://db.hospital.example:5432/bbehr}
     * @param maxPoolSize connections the node may hold
     * @param migrator the schema's owner, who migrates it and grants the node's role its rights
     *     ({@link DatabaseRoles#grantNode}); {@code null} when the node's role owns the schema
     */
    public record Options(String jdbcUrl, String user, String password, int maxPoolSize,
            DatabaseRoles.Login migrator) {
        /** The node's role migrates the schema itself (it must own it). */
        public Options(String jdbcUrl, String user, String password, int maxPoolSize) {
            this(jdbcUrl, user, password, maxPoolSize, null);
        }
    }

    private final HikariDataSource pool;
    private final PlannerStatistics statistics;

    private ExternalPostgres(HikariDataSource pool) {
        this.pool = pool;
        this.statistics = PlannerStatistics.start(pool);
    }

    /** Connects and migrates the schema; warns when the server is not set up to keep what it acknowledges. */
    public static ExternalPostgres connect(Options options) {
        HikariDataSource pool = Pools.open(options.jdbcUrl(),
                new DatabaseRoles.Login(options.user(), options.password()), options.migrator(), options.maxPoolSize());
        for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
            String value = Pools.setting(pool, setting);
            if ("off".equals(value)) {
                log.warn("PostgreSQL has {} = {}: acknowledged writes can be lost in a crash; turn it on", setting,
                        value);
            }
        }
        return new ExternalPostgres(pool);
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        statistics.close();
        pool.close();
    }
}
