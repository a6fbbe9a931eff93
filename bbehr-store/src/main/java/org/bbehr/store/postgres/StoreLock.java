package org.bbehr.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;

/**
 * Who has a store's database to themselves: a running node, or a command that changes keys or re-indexes on a stopped
 * node's store. A PostgreSQL advisory lock held on a connection of its own for as long as its owner runs; the server
 * lets go of it when that connection ends, so a killed process leaves nothing behind. Reads (and writes) of the store
 * do not take it; only a second owner is refused.
 */
public final class StoreLock implements AutoCloseable {

    /** The lock's key: "bbehr" in ASCII. */
    static final long KEY = 0x62_62_65_68_72L;

    private final Connection connection;

    private StoreLock(Connection connection) {
        this.connection = connection;
    }

    /**
     * @param owner what takes the store, for the other owner's error message (e.g. "bbehr keys rotate-index")
     * @throws BbehrException {@code STORE_IN_USE} when a node or another command holds the store
     */
    public static StoreLock acquire(DataSource dataSource, String owner) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, KEY);
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    if (!row.getBoolean(1)) {
                        throw new BbehrException(ErrorCode.STORE_IN_USE, owner + " needs the store to itself, but a"
                                + " running node (or another maintenance command) is using its database; stop it"
                                + " first, or ask the running node");
                    }
                }
            }
            return new StoreLock(connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot lock the store: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** Lets go of the store (a pooled connection outlives this, so the lock is released explicitly). */
    @Override
    public void close() {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            unlock.setLong(1, KEY);
            unlock.executeQuery().close();
        } catch (SQLException e) {
            // the connection is gone, and the lock with it
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing held by a closed connection
        }
    }
}
