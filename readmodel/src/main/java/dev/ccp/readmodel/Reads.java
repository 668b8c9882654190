package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The queries the readers run (the proxy's read side, readiness and quota check, the cli). Each
 * returns a prepared statement whose parameters and result columns the method's comment lists, in
 * that order; the caller binds, reads and closes it. A missing table reads as {@link #noTable}.
 */
public final class Reads {
    /** Columns of a sample as {@code GET /v1/usage/samples} shows them. */
    public static final String SAMPLE_COLUMNS = "ts_us, req_id, model, lane, provider, decision, op, status, header_mode,"
            + " http, latency_ms, ttfb_ms, input_tokens, output_tokens, cache_creation_input_tokens,"
            + " cache_read_input_tokens, stop_reason, outcome, attempts, upstream_model";
    /** Columns of a rollup row as {@code GET /v1/usage/rollups} shows them. */
    public static final String ROLLUP_COLUMNS = "bucket_start, model, lane, count, errors, input_tokens, output_tokens,"
            + " cache_creation_input_tokens, cache_read_input_tokens, latency_p50_ms, latency_p95_ms";
    /** Every column of a sample, in table order, as {@code cc db export} writes them. */
    public static final String EXPORT_COLUMNS = "idx, seq, ts_us, req_id, model, upstream_model, lane, provider, decision, op, status,"
            + " header_mode, http, latency_ms, ttfb_ms, input_tokens, output_tokens, cache_creation_input_tokens,"
            + " cache_read_input_tokens, stop_reason, outcome, attempts, instance";

    private Reads() {
    }

    /** True when {@code e} says a table does not exist yet (no projector has created it). */
    public static boolean noTable(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("no such table");
    }

    /** Samples with ts_us &ge; ?, [model = ? when {@code byModel}], LIMIT ?: {@link #SAMPLE_COLUMNS}, oldest first. */
    public static PreparedStatement samplesSince(Connection c, boolean byModel) throws SQLException {
        return samplesSince(c, byModel, false);
    }

    /**
     * Samples with ts_us &ge; ?, [model = ? when {@code byModel}], [member = ? when {@code byMember}], LIMIT ?:
     * {@link #SAMPLE_COLUMNS}, oldest first. A database no projector of this build has opened yet has no
     * member column: {@link #noColumn}.
     */
    public static PreparedStatement samplesSince(Connection c, boolean byModel, boolean byMember) throws SQLException {
        return c.prepareStatement("SELECT " + SAMPLE_COLUMNS + " FROM samples WHERE ts_us >= ?"
                + (byModel ? " AND model = ?" : "") + (byMember ? " AND member = ?" : "") + " ORDER BY ts_us, idx, seq LIMIT ?");
    }

    /** True when {@code e} says a column does not exist yet (a database made by an older build, not migrated yet). */
    public static boolean noColumn(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("no such column");
    }

    /**
     * Per member and lane in ts_us &ge; ?, &le; ?, from the samples (kept {@code CCP_SAMPLE_TTL_DAYS}): member
     * ('' when unknown), lane, completions (count_tokens calls are none), input_tokens, output_tokens,
     * cache_creation_input_tokens, cache_read_input_tokens, by member, lane.
     */
    public static PreparedStatement usageByMemberAndLane(Connection c) throws SQLException {
        return c.prepareStatement("SELECT COALESCE(member, ''), COALESCE(lane, 'unknown'),"
                + " SUM(CASE WHEN op = 'count_tokens' THEN 0 ELSE 1 END), SUM(input_tokens), SUM(output_tokens),"
                + " SUM(cache_creation_input_tokens), SUM(cache_read_input_tokens) FROM samples"
                + " WHERE ts_us >= ? AND ts_us <= ? GROUP BY 1, 2 ORDER BY 1, 2");
    }

    /** Rollups of {@code granularity} (hour, day) with bucket_start &gt; ?, [model = ?], LIMIT ?: {@link #ROLLUP_COLUMNS}. */
    public static PreparedStatement rollupsAfter(Connection c, String granularity, boolean byModel) throws SQLException {
        return c.prepareStatement("SELECT " + ROLLUP_COLUMNS + " FROM " + Tables.rollup("rollup_" + granularity) + " WHERE bucket_start > ?"
                + (byModel ? " AND model = ?" : "") + " ORDER BY bucket_start, model, lane LIMIT ?");
    }

    /** Every row of a rollup table (hour, day): bucket_start, model, lane, count, errors, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_sketch. */
    public static PreparedStatement allRollups(Connection c, String granularity) throws SQLException {
        return c.prepareStatement("SELECT bucket_start, model, lane, count, errors, input_tokens,"
                + " output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_sketch FROM "
                + Tables.rollup("rollup_" + granularity));
    }

    /** Every sample: {@link #EXPORT_COLUMNS}, by ts_us, idx, seq. */
    public static PreparedStatement exportSamples(Connection c) throws SQLException {
        return c.prepareStatement("SELECT " + EXPORT_COLUMNS + " FROM samples ORDER BY ts_us, idx, seq");
    }

    /** Rows in a table. */
    public static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + Tables.known(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The oldest and newest sample time (µs); both 0 when there is none. */
    public static long[] sampleTimeRange(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MIN(ts_us), MAX(ts_us) FROM samples")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Per lane and model in minute_start &ge; ?, &le; ?: lane, model, requests, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, by lane, model. */
    public static PreparedStatement usageByLaneAndModel(Connection c) throws SQLException {
        return c.prepareStatement("SELECT lane, model, SUM(requests), SUM(input_tokens),"
                + " SUM(output_tokens), SUM(cache_creation_input_tokens), SUM(cache_read_input_tokens)"
                + " FROM quota_usage WHERE minute_start >= ? AND minute_start <= ? GROUP BY lane, model"
                + " ORDER BY lane, model");
    }

    /** Limit answers with ts_us &ge; ?, &le; ?, newest 500: ts_us, lane, model. */
    public static PreparedStatement limitHits(Connection c) throws SQLException {
        return c.prepareStatement("SELECT ts_us, lane, model FROM quota_limits WHERE ts_us >= ? AND ts_us <= ?"
                + " ORDER BY ts_us DESC LIMIT 500");
    }

    /** Stream speed of lane = ?, model = ?, minute_start &ge; ?, &le; ?: streams, output_tokens, stream_us, wall_us (0 when none). */
    public static PreparedStatement speed(Connection c) throws SQLException {
        return c.prepareStatement("SELECT COALESCE(SUM(streams), 0), COALESCE(SUM(output_tokens), 0),"
                + " COALESCE(SUM(stream_us), 0), COALESCE(SUM(wall_us), 0) FROM quota_speed"
                + " WHERE lane = ? AND model = ? AND minute_start >= ? AND minute_start <= ?");
    }

    /** Stream speed by hour of day (UTC) of lane = ?, model = ?, minute_start &ge; ?, &le; ?: hour, streams, output_tokens, stream_us, wall_us. */
    public static PreparedStatement speedByHour(Connection c) throws SQLException {
        return c.prepareStatement("SELECT (minute_start / 3600) % 24, SUM(streams), SUM(output_tokens),"
                + " SUM(stream_us), SUM(wall_us) FROM quota_speed WHERE lane = ? AND model = ? AND minute_start >= ?"
                + " AND minute_start <= ? GROUP BY (minute_start / 3600) % 24");
    }

    /**
     * Each checkpoint's queue index by projection name, read defensively for readiness: an older
     * database may name the column {@code projection}.
     *
     * @throws IllegalStateException when there is no checkpoints table of a known shape
     */
    public static Map<String, Long> checkpointIndexes(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            String nameColumn = null;
            boolean hasIdx = false;
            try (ResultSet cols = s.executeQuery("PRAGMA table_info(checkpoints)")) {
                while (cols.next()) {
                    String col = cols.getString("name");
                    if (col.equals("name") || col.equals("projection")) {
                        nameColumn = col;
                    } else if (col.equals("idx")) {
                        hasIdx = true;
                    }
                }
            }
            if (nameColumn == null || !hasIdx) {
                throw new IllegalStateException("no checkpoints table");
            }
            Map<String, Long> out = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT " + nameColumn + ", idx FROM checkpoints ORDER BY " + nameColumn)) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        }
    }
}
