package dev.ccp.readmodel.dashboard;

import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.LatencySketch;
import dev.ccp.readmodel.ProviderWindowsTable;
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
import java.util.Objects;
import java.util.Optional;

/**
 * The dashboard's queries over the projection database, opened read-only for each call (WAL mode:
 * reading never blocks the projector). No database yet, or one without the tables yet, reads as
 * empty; any other failure is a {@link ReadModelException}.
 */
public final class DashboardReader {
    private static final String SAMPLE_COLUMNS = "idx, seq, ts_us, req_id, model, upstream_model, lane, provider, decision,"
            + " op, status, latency_ms, ttfb_ms, input_tokens, output_tokens, cache_creation_input_tokens,"
            + " cache_read_input_tokens, outcome, attempts, session_id, first_idx";

    private final Path dbPath;

    public DashboardReader(Path dbPath) {
        this.dbPath = Objects.requireNonNull(dbPath);
    }

    /** How far the projector has come. */
    public Freshness freshness() {
        if (!Files.isRegularFile(dbPath)) {
            return Freshness.NONE;
        }
        try (Connection c = open()) {
            return freshness(c);
        } catch (SQLException e) {
            if (missingSchema(e)) {
                return new Freshness(true, null, null, null);
            }
            throw new ReadModelException("cannot read " + dbPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * The panels of one range. {@code nowS} is the caller's clock; {@code defaultLane} is the catalog's
     * default provider (requests served elsewhere count as offloaded).
     */
    public Overview overview(Range range, long nowS, String defaultLane) {
        long fromS = range.fromS(nowS);
        long toS = range.toS(nowS);
        if (!Files.isRegularFile(dbPath)) {
            return empty(range, fromS, toS, Freshness.NONE);
        }
        try (Connection c = open()) {
            Freshness fresh = freshness(c);
            OverviewFolding f = new OverviewFolding(range, defaultLane);
            long fromUs = fromS * 1_000_000L;
            long rollupsIndex = fresh.rollupsIndex() == null ? -1 : fresh.rollupsIndex();
            if (range == Range.MONTH) {
                try (PreparedStatement ps = c.prepareStatement("SELECT bucket_start, lane, count, errors, input_tokens,"
                        + " output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_sketch"
                        + " FROM rollup_day WHERE bucket_start >= ?")) {
                    ps.setLong(1, fromS);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            f.addRollup(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                    rs.getLong(6), rs.getLong(7), rs.getLong(8), LatencySketch.fromBytes(rs.getBytes(9)));
                        }
                    }
                }
            }
            Long oldestUs = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SAMPLE_COLUMNS + " FROM samples WHERE ts_us >= ?")) {
                ps.setLong(1, fromUs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        FinishedSample s = sample(rs);
                        oldestUs = oldestUs == null ? s.tsUs() : Math.min(oldestUs, s.tsUs());
                        // In the 30-day range the rollups already hold every sample they have folded.
                        f.addSample(s, range != Range.MONTH || s.index() > rollupsIndex);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ts_us, status FROM quota_limits WHERE ts_us >= ?")) {
                ps.setLong(1, fromUs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        f.limit(Math.floorDiv(rs.getLong(1), 1_000_000L), String.valueOf(rs.getInt(2)));
                    }
                }
            }
            // Per-request detail starts where the samples kept start, when rollups reach further back.
            Long detailFrom = null;
            if (oldestUs != null || f.oldestRollup != null) {
                long oldestKept = oldestSampleUs(c);
                long keptFromS = oldestKept == Long.MAX_VALUE ? Long.MAX_VALUE : range.bucketOf(Math.floorDiv(oldestKept, 1_000_000L));
                detailFrom = f.oldestRollup != null && f.oldestRollup < keptFromS ? Math.max(fromS, keptFromS) : fromS;
            }
            return f.overview(fromS, toS, detailFrom, fresh);
        } catch (SQLException e) {
            if (missingSchema(e)) {
                return empty(range, fromS, toS, new Freshness(true, null, null, null));
            }
            throw new ReadModelException("cannot read " + dbPath + ": " + e.getMessage(), e);
        }
    }

    /** The newest finished requests that pass {@code filter}, newest first. */
    public List<FinishedSample> newest(FeedFilter filter, int limit) {
        return samples(filter, "", List.of(), " ORDER BY idx DESC, seq DESC LIMIT " + limit);
    }

    /** Finished requests after the one at ({@code index}, {@code seq}) that pass {@code filter}, oldest first. */
    public List<FinishedSample> after(long index, int seq, FeedFilter filter, int limit) {
        return samples(filter, " AND (idx > ? OR (idx = ? AND seq > ?))", List.of(index, index, (long) seq),
                " ORDER BY idx, seq LIMIT " + limit);
    }

    /** The finished request with this id (the newest, should one id repeat). */
    public Optional<FinishedSample> request(String reqId) {
        return samples(new FeedFilter(null, null, null, null, null), " AND req_id = ?", List.of(reqId),
                " ORDER BY idx DESC LIMIT 1").stream().findFirst();
    }

    /** Requests finished since {@code fromS}, those served off the default lane, and the newest one's lane. */
    public Share share(long fromS, String defaultLane) {
        if (!Files.isRegularFile(dbPath)) {
            return new Share(0, 0, null);
        }
        try (Connection c = open()) {
            long requests = 0;
            long offloaded = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN lane IS NOT NULL AND lane <> ? THEN 1 ELSE 0 END), 0)"
                            + " FROM samples WHERE ts_us >= ?")) {
                ps.setString(1, defaultLane == null ? "" : defaultLane);
                ps.setLong(2, fromS * 1_000_000L);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        requests = rs.getLong(1);
                        offloaded = rs.getLong(2);
                    }
                }
            }
            String lastLane = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT lane FROM samples ORDER BY idx DESC, seq DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    lastLane = rs.getString(1);
                }
            }
            return new Share(requests, offloaded, lastLane);
        } catch (SQLException e) {
            if (missingSchema(e)) {
                return new Share(0, 0, null);
            }
            throw new ReadModelException("cannot read " + dbPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cost, list cost, savings and unpriced requests of the hours from the one holding {@code fromS},
     * and every provider window standing; none of either when the projections do not have them yet.
     */
    public Money money(long fromS) {
        long fromHour = Math.floorDiv(fromS, 3600L) * 3600L;
        if (!Files.isRegularFile(dbPath)) {
            return new Money(fromHour, emptyCost(fromHour), List.of());
        }
        try (Connection c = open()) {
            return new Money(fromHour, CostTable.report(c, CostTable.By.LANE, fromHour), ProviderWindowsTable.all(c));
        } catch (SQLException e) {
            if (missingSchema(e)) {
                return new Money(fromHour, emptyCost(fromHour), List.of());
            }
            throw new ReadModelException("cannot read " + dbPath + ": " + e.getMessage(), e);
        }
    }

    private static CostTable.Report emptyCost(long fromHour) {
        return new CostTable.Report(CostTable.By.LANE, fromHour, List.of(),
                new CostTable.Row("total", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE));
    }

    /** See {@link #share}. */
    public record Share(long requests, long offloaded, String lastLane) {
    }

    private List<FinishedSample> samples(FeedFilter filter, String extraWhere, List<Object> extraArgs, String tail) {
        if (!Files.isRegularFile(dbPath)) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT " + SAMPLE_COLUMNS + " FROM samples WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        add(sql, args, "lane", filter.lane());
        add(sql, args, "model", filter.model());
        add(sql, args, "decision", filter.decision());
        add(sql, args, "session_id", filter.session());
        add(sql, args, "status", filter.status());
        sql.append(extraWhere);
        args.addAll(extraArgs);
        sql.append(tail);
        try (Connection c = open(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<FinishedSample> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(sample(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            if (missingSchema(e)) {
                return List.of();
            }
            throw new ReadModelException("cannot read " + dbPath + ": " + e.getMessage(), e);
        }
    }

    private static void add(StringBuilder sql, List<Object> args, String column, Object value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static FinishedSample sample(ResultSet rs) throws SQLException {
        double ttfb = rs.getDouble(13);
        Double ttfbMs = rs.wasNull() ? null : ttfb;
        long first = rs.getLong(21);
        Long firstIndex = rs.wasNull() ? null : first;
        return new FinishedSample(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getInt(11),
                rs.getDouble(12), ttfbMs, rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17),
                rs.getString(18), rs.getInt(19), rs.getString(20), firstIndex);
    }

    private static Freshness freshness(Connection c) throws SQLException {
        Long samplesIndex = null;
        Long samplesTs = null;
        Long rollupsIndex = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT name, idx, last_ts_us FROM checkpoints"
                + " WHERE name IN ('sqlite', 'sqlite-rollups')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getString(1).equals("sqlite")) {
                    samplesIndex = rs.getLong(2);
                    long ts = rs.getLong(3);
                    samplesTs = rs.wasNull() ? null : ts;
                } else {
                    rollupsIndex = rs.getLong(2);
                }
            }
        }
        return new Freshness(true, samplesIndex, samplesTs, rollupsIndex);
    }

    private static long oldestSampleUs(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(ts_us) FROM samples"); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Long.MAX_VALUE;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? Long.MAX_VALUE : v;
        }
    }

    private static Overview empty(Range range, long fromS, long toS, Freshness fresh) {
        return new OverviewFolding(range, null).overview(fromS, toS, null, fresh);
    }

    private static boolean missingSchema(SQLException e) {
        String m = e.getMessage();
        return m != null && (m.contains("no such table") || m.contains("no such column"));
    }

    private Connection open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(2_000);
        return config.createConnection("jdbc:sqlite:" + dbPath.toAbsolutePath());
    }
}
