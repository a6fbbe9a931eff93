package org.bbehr.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.bbehr.core.BbehrException;
import org.bbehr.core.ErrorCode;
import org.bbehr.core.ledger.EventCursorStore;

/** An event feed's position in the node's database, one row per named feed, so that a restart resumes there. */
public final class PostgresEventCursor implements EventCursorStore {

    private final DataSource dataSource;
    private final String feed;

    public PostgresEventCursor(DataSource dataSource, String feed) {
        if (feed == null || feed.isBlank()) {
            throw new IllegalArgumentException("a feed needs a name");
        }
        this.dataSource = dataSource;
        this.feed = feed;
    }

    @Override
    public OptionalLong findNextBlock() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT next_block FROM event_cursors WHERE feed = ?")) {
            select.setString(1, feed);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void saveNextBlock(long nextBlock) {
        if (nextBlock < 0) {
            throw new IllegalArgumentException("block numbers are not negative: " + nextBlock);
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement upsert = connection.prepareStatement("INSERT INTO event_cursors (feed, next_block)"
                        + " VALUES (?, ?) ON CONFLICT (feed) DO UPDATE SET next_block = EXCLUDED.next_block")) {
            upsert.setString(1, feed);
            upsert.setLong(2, nextBlock);
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private BbehrException unavailable(SQLException e) {
        return new BbehrException(ErrorCode.STORE_UNAVAILABLE, "cannot reach the position of the event feed '" + feed
                + "': " + e.getMessage(), e);
    }
}
