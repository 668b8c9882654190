package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member's rollups, folded on demand from the samples that name the member. The rollup tables
 * are kept per model and lane for every member together (what the dashboards and {@code cc agg}
 * read, and where history outlives the samples); a team's report for one member is read from the
 * samples instead, so it covers the samples kept ({@code CCP_SAMPLE_TTL_DAYS}). Errors and latency
 * percentiles are counted exactly as the projector's rollups count them.
 */
public final class MemberRollups {
    private MemberRollups() {
    }

    /**
     * The member's buckets of {@code granularity} (hour, day) starting after {@code after}, [of
     * {@code model}], at most {@code limit}, ordered by bucket_start, model, lane: maps with the
     * {@link Reads#ROLLUP_COLUMNS} but the sketch.
     */
    public static List<Map<String, Object>> after(Connection c, String granularity, long after, String model,
                                                  String member, int limit) throws SQLException {
        long size = switch (granularity) {
            case "hour" -> 3_600L;
            case "day" -> 86_400L;
            default -> throw new IllegalArgumentException("granularity must be hour or day");
        };
        Map<RollupKey, Bucket> buckets = new TreeMap<>();
        // A bucket that starts after `after` holds samples from its start on.
        long fromUs = after == Long.MIN_VALUE ? Long.MIN_VALUE : Math.multiplyExact(after + 1, 1_000_000L);
        try (PreparedStatement ps = c.prepareStatement("SELECT ts_us, model, lane, status, outcome, input_tokens,"
                + " output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_ms FROM samples"
                + " WHERE member = ? AND ts_us >= ?" + (model != null ? " AND model = ?" : ""))) {
            ps.setString(1, member);
            ps.setLong(2, fromUs);
            if (model != null) {
                ps.setString(3, model);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long start = Math.floorDiv(Math.floorDiv(rs.getLong(1), 1_000_000L), size) * size;
                    if (start <= after) {
                        continue;
                    }
                    int status = rs.getInt(4);
                    String outcome = rs.getString(5);
                    boolean error = status >= 400 || !("ok".equals(outcome) || "client_abort".equals(outcome));
                    buckets.computeIfAbsent(new RollupKey(start, orUnknown(rs.getString(2)), orUnknown(rs.getString(3))),
                            k -> new Bucket()).add(error, rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                            Math.round(rs.getDouble(10) * 1000));
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (var e : buckets.entrySet()) {
            if (rows.size() == limit) {
                break;
            }
            RollupKey k = e.getKey();
            Bucket b = e.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bucket_start", k.start());
            row.put("model", k.model());
            row.put("lane", k.lane());
            row.put("count", b.count);
            row.put("errors", b.errors);
            row.put("input_tokens", b.in);
            row.put("output_tokens", b.out);
            row.put("cache_creation_input_tokens", b.cacheCreation);
            row.put("cache_read_input_tokens", b.cacheRead);
            row.put("latency_p50_ms", b.latency.percentile(0.50) / 1000.0);
            row.put("latency_p95_ms", b.latency.percentile(0.95) / 1000.0);
            rows.add(row);
        }
        return rows;
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    private static final class Bucket {
        long count;
        long errors;
        long in;
        long out;
        long cacheCreation;
        long cacheRead;
        final LatencySketch latency = new LatencySketch();

        void add(boolean error, long in, long out, long cc, long cr, long latencyUs) {
            count++;
            if (error) {
                errors++;
            }
            this.in += in;
            this.out += out;
            cacheCreation += cc;
            cacheRead += cr;
            latency.add(latencyUs);
        }
    }
}
