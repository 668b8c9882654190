package dev.ccp.policy.quota;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quota windows from the projector's per-minute {@code quota_usage}, through a {@link Source} (the
 * read model's table, adapted by the proxy and the cli). Window sums are taken at the given instant,
 * so an injected clock moves the window edges. Not thread-safe: one reader per thread (the monitor's
 * poller, a CLI command).
 */
public final class QuotaUsageReader implements AutoCloseable {
    /** One (lane, model) pair's use in a window. */
    public record ScopeUse(String lane, String model, WindowUse use) {
    }

    /** One minute of one (lane, model) pair. */
    public record MinuteUse(long minuteStart, String lane, String model, WindowUse use) {
    }

    /** Where the per-minute use comes from: minutes starting in [from, to], epoch seconds. */
    public interface Source extends AutoCloseable {
        /** Per (lane, model) sums; {@code firstMinute} of each use is its oldest minute. */
        List<ScopeUse> sums(long fromSecond, long toSecond) throws SQLException;

        /** Every minute, oldest first. */
        List<MinuteUse> minutes(long fromSecond, long toSecond) throws SQLException;

        @Override
        void close();
    }

    private final Source source;

    public QuotaUsageReader(Source source) {
        this.source = source;
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
        return source.sums(Windows.start(now.getEpochSecond(), length), now.getEpochSecond());
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
        WindowUse left = total;
        long pending = -1;
        for (MinuteUse m : source.minutes(Windows.start(now.getEpochSecond(), length), now.getEpochSecond())) {
            long minute = m.minuteStart();
            if (pending >= 0 && minute != pending && limits.percentOf(left) < q.blockPct()) {
                return Windows.leaves(pending, length);
            }
            if (served(m.lane()) && q.covers(m.lane(), m.model())) {
                left = left.minus(m.use());
                pending = minute;
            }
        }
        if (pending >= 0) {
            return Windows.leaves(pending, length);
        }
        return now.getEpochSecond();
    }

    /**
     * Requests no provider served (lane {@code unknown}: refused by the proxy, a 429 of its own, bad
     * input) used no quota, whatever their model.
     */
    public static boolean served(String lane) {
        return lane != null && !"unknown".equals(lane);
    }

    /** Drops the connection (after an error) so the next read opens a fresh one. */
    public void reset() {
        close();
    }

    @Override
    public void close() {
        source.close();
    }
}
