package org.bbehr.store.record;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work in one database transaction, retried a few times when PostgreSQL aborts it for a conflict with another
 * transaction (serialization failure, deadlock, or two transactions creating the same resource at once).
 */
final class Transactions {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);
    private static final Set<String> RETRYABLE = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "23505"); // unique_violation: a concurrent transaction created the same resource first
    private static final int ATTEMPTS = 5;

    /** Work on a connection whose transaction this class begins and ends. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in a transaction and commits; rolls back on any exception, which it rethrows. */
    <T> T inTransaction(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (SQLException e) {
                if (!RETRYABLE.contains(e.getSQLState()) || attempt == ATTEMPTS) {
                    throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "the database failed: " + e.getMessage()
                            + " (SQL state " + e.getSQLState() + ")", e);
                }
                log.debug("transaction conflict (SQL state {}), attempt {} of {}", e.getSQLState(), attempt, ATTEMPTS);
                backOff(attempt);
            }
        }
    }

    private <T> T once(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    /** Runs a read on a connection in auto-commit mode: one statement, no transaction to end. */
    <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "the database failed: " + e.getMessage()
                    + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "interrupted while retrying a transaction", e);
        }
    }
}
