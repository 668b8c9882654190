package dev.ccp.proxy.quota;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads quota windows from the projector's per-minute {@code quota_usage} table, read-only (WAL: the
 * projector is never blocked). Window sums are taken at the given instant, so an injected clock moves
 * the window edges. Not thread-safe: one reader per thread (the monitor's poller, a CLI command).
 */
public final class QuotaUsageReader implements AutoCloseable {
    /** One (lane, model) pair's use in a window. */
    public record ScopeUse(String lane, String model, WindowUse use) {
    }

    private final Path db;
    private Connection connection;

    public QuotaUsageReader(Path db) {
        this.db = db;
    }

    /** Every quota's standing at {@code now}; zero use when the projection does not exist yet. */
    public QuotaState read(QuotaConfig config, Instant now) throws SQLException {
        if (config.quotas().isEmpty()) {
            return QuotaState.empty(config, now);
        }
        Map<Duration, List<ScopeUse>> byWindow = new HashMap<>();
        Map<String, QuotaStanding> out = new LinkedHashMap<>();
        for (Quota q : config.quotas()) {
            WindowUse rolling = sum(q, cached(byWindow, now, q.window()));
            WindowUse weekly = sum(q, cached(byWindow, now, Quota.WEEK));
            double rp = q.rolling().percentOf(rolling);
            double wp = q.weekly().percentOf(weekly);
            Instant frees = null;
            if (Math.max(rp, wp) >= q.blockPct()) {
                frees = freesAt(q, now, rolling, weekly, rp, wp);
            }
            out.put(q.name(), new QuotaStanding(q, rolling, weekly, rp, wp, frees));
        }
        return new QuotaState(config, now, out);
    }

    /** Per (lane, model) sums of the window of {@code length} ending at {@code now}. */
    public List<ScopeUse> sums(Instant now, Duration length) throws SQLException {
        Connection c = connection();
        List<ScopeUse> rows = new ArrayList<>();
        if (c == null) {
            return rows;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT lane, model, SUM(requests),"
                + " SUM(input_tokens + cache_creation_input_tokens + cache_read_input_tokens), SUM(output_tokens),"
                + " MIN(minute_start) FROM quota_usage WHERE minute_start >= ? AND minute_start <= ? GROUP BY lane, model")) {
            ps.setLong(1, Windows.start(now.getEpochSecond(), length));
            ps.setLong(2, now.getEpochSecond());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ScopeUse(rs.getString(1), rs.getString(2),
                            new WindowUse(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6))));
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

    /** The quota's use in the window of {@code length} ending at {@code now}. */
    public WindowUse use(Quota q, Instant now, Duration length) throws SQLException {
        return sum(q, sums(now, length));
    }

    private List<ScopeUse> cached(Map<Duration, List<ScopeUse>> byWindow, Instant now, Duration w) throws SQLException {
        List<ScopeUse> rows = byWindow.get(w);
        if (rows == null) {
            rows = sums(now, w);
            byWindow.put(w, rows);
        }
        return rows;
    }

    private static WindowUse sum(Quota q, List<ScopeUse> rows) {
        WindowUse total = WindowUse.ZERO;
        for (ScopeUse r : rows) {
            if (served(r.lane()) && q.covers(r.lane(), r.model())) {
                total = total.plus(r.use());
            }
        }
        return total;
    }

    /** When enough of the binding windows' oldest minutes leave them to be under block_pct. */
    private Instant freesAt(Quota q, Instant now, WindowUse rolling, WindowUse weekly, double rp, double wp)
            throws SQLException {
        long frees = now.getEpochSecond();
        if (rp >= q.blockPct()) {
            frees = Math.max(frees, freesAt(q, q.rolling(), q.window(), now, rolling));
        }
        if (wp >= q.blockPct()) {
            frees = Math.max(frees, freesAt(q, q.weekly(), Quota.WEEK, now, weekly));
        }
        return Instant.ofEpochSecond(frees);
    }

    private long freesAt(Quota q, Limits limits, Duration length, Instant now, WindowUse total) throws SQLException {
        Connection c = connection();
        if (c == null) {
            return now.getEpochSecond();
        }
        WindowUse left = total;
        try (PreparedStatement ps = c.prepareStatement("SELECT minute_start, lane, model, requests,"
                + " input_tokens + cache_creation_input_tokens + cache_read_input_tokens, output_tokens"
                + " FROM quota_usage WHERE minute_start >= ? AND minute_start <= ? ORDER BY minute_start")) {
            ps.setLong(1, Windows.start(now.getEpochSecond(), length));
            ps.setLong(2, now.getEpochSecond());
            try (ResultSet rs = ps.executeQuery()) {
                long pending = -1;
                while (rs.next()) {
                    long minute = rs.getLong(1);
                    if (pending >= 0 && minute != pending && limits.percentOf(left) < q.blockPct()) {
                        return Windows.leaves(pending, length);
                    }
                    if (served(rs.getString(2)) && q.covers(rs.getString(2), rs.getString(3))) {
                        left = left.minus(new WindowUse(rs.getLong(4), rs.getLong(5), rs.getLong(6), -1));
                        pending = minute;
                    }
                }
                if (pending >= 0) {
                    return Windows.leaves(pending, length);
                }
            }
        }
        return now.getEpochSecond();
    }

    /**
     * Requests no provider served (lane {@code unknown}: refused by the proxy, a 429 of its own, bad
     * input) used no quota, whatever their model.
     */
    static boolean served(String lane) {
        return lane != null && !"unknown".equals(lane);
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

    /** Drops the connection (after an error) so the next read opens a fresh one. */
    public void reset() {
        close();
    }

    static boolean noTable(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("no such table");
    }

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
