package dev.ccp.readmodel;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the per-minute {@code quota_usage} table, read-only (WAL: the projector is never blocked).
 * No database or no table yet reads as no use. Not thread-safe: one per thread.
 */
public final class QuotaUsageTable implements AutoCloseable {
    /** One (lane, model) pair's sums over minutes; {@code inputTokens} counts input, cache creation and cache reads; {@code firstMinute} is the oldest minute with use. */
    public record ScopeSums(String lane, String model, long requests, long inputTokens, long outputTokens, long firstMinute) {
    }

    /** One minute of one (lane, model) pair; {@code inputTokens} as in {@link ScopeSums}. */
    public record Minute(long minuteStart, String lane, String model, long requests, long inputTokens, long outputTokens) {
    }

    private final Path db;
    private Connection connection;

    public QuotaUsageTable(Path db) {
        this.db = db;
    }

    /** Per (lane, model) sums of the minutes starting in [{@code fromSecond}, {@code toSecond}]. */
    public List<ScopeSums> sums(long fromSecond, long toSecond) throws SQLException {
        List<ScopeSums> rows = new ArrayList<>();
        Connection c = connection();
        if (c == null) {
            return rows;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT lane, model, SUM(requests),"
                + " SUM(input_tokens + cache_creation_input_tokens + cache_read_input_tokens), SUM(output_tokens),"
                + " MIN(minute_start) FROM quota_usage WHERE minute_start >= ? AND minute_start <= ? GROUP BY lane, model")) {
            ps.setLong(1, fromSecond);
            ps.setLong(2, toSecond);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ScopeSums(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        } catch (SQLException e) {
            if (noTable(e)) {
                return rows;
            }
            throw e;
        }
        return rows;
    }

    /** The minutes starting in [{@code fromSecond}, {@code toSecond}], oldest first. */
    public List<Minute> minutes(long fromSecond, long toSecond) throws SQLException {
        List<Minute> rows = new ArrayList<>();
        Connection c = connection();
        if (c == null) {
            return rows;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT minute_start, lane, model, requests,"
                + " input_tokens + cache_creation_input_tokens + cache_read_input_tokens, output_tokens"
                + " FROM quota_usage WHERE minute_start >= ? AND minute_start <= ? ORDER BY minute_start")) {
            ps.setLong(1, fromSecond);
            ps.setLong(2, toSecond);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Minute(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        return rows;
    }

    private Connection connection() throws SQLException {
        if (connection != null) {
            return connection;
        }
        if (!Files.exists(db)) {
            return null;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(2_000);
        connection = config.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
        return connection;
    }

    static boolean noTable(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("no such table");
    }

    /** Drops the connection (after an error) so the next read opens a fresh one. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Read-only: nothing to lose.
            }
            connection = null;
        }
    }
}
