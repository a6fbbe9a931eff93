package org.bbehr.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the planner's statistics of the store's tables from falling far behind their contents: a table is analyzed
 * once it has 1,000 rows changed and at least as many as it had when last analyzed (never analyzed counts as none), so
 * a table that grows is analyzed a few times as it doubles, a stable one never. Autovacuum does the same, but only
 * after its first rounds (a minute apart); a store loaded faster than that was searched without statistics, and a
 * search of two clauses was then planned as a semi-join against every row of the commoner value (250 ms instead of 1).
 * ANALYZE samples a bounded number of rows, takes no lock that writes or reads wait for, and gives up on a table that
 * autovacuum is working on.
 */
final class PlannerStatistics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);
    static final long MIN_CHANGED_ROWS = 1_000;
    private static final Duration PERIOD = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final ScheduledExecutorService scheduler;

    private PlannerStatistics(DataSource dataSource, ScheduledExecutorService scheduler) {
        this.dataSource = dataSource;
        this.scheduler = scheduler;
    }

    /** Checks the tables every few seconds, in a daemon thread, until closed. */
    static PlannerStatistics start(DataSource dataSource) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bbehr-store:statistics");
            thread.setDaemon(true);
            return thread;
        });
        PlannerStatistics statistics = new PlannerStatistics(dataSource, scheduler);
        scheduler.scheduleWithFixedDelay(statistics::refreshQuietly, PERIOD.toMillis(), PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        return statistics;
    }

    /** Analyzes the tables of the store's schema whose statistics are missing or out of date; returns their names. */
    static List<String> refresh(DataSource dataSource) throws SQLException {
        List<String> analyzed = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            for (String table : stale(connection)) {
                if (analyze(connection, table)) {
                    analyzed.add(table);
                }
            }
        }
        return analyzed;
    }

    private void refreshQuietly() {
        try {
            List<String> analyzed = refresh(dataSource);
            if (!analyzed.isEmpty()) {
                log.debug("planner statistics updated for {}", analyzed);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("planner statistics not updated this time: {}", e.getMessage());
        }
    }

    private static List<String> stale(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT s.relname FROM pg_stat_user_tables s"
                + " JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = current_schema()"
                + " AND s.n_mod_since_analyze >= ? AND s.n_mod_since_analyze >= c.reltuples ORDER BY s.relname")) {
            select.setLong(1, MIN_CHANGED_ROWS);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    /** ANALYZE in a transaction of its own, skipped when the table's lock is not free within a second. */
    private static boolean analyze(Connection connection, String table) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '1s'");
            statement.execute("ANALYZE \"" + table.replace("\"", "\"\"") + "\"");
            connection.commit();
            return true;
        } catch (SQLException e) {
            connection.rollback();
            if ("55P03".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
