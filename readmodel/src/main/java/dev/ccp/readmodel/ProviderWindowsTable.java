package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code provider_windows}: the latest rate-limit standing each provider reported per credential
 * (a fingerprint, never the key): Anthropic's 5-hour and 7-day plan windows and its per-minute API
 * limits. Each value is the last one an answer carried (an answer without it keeps the one before);
 * {@code malformed} counts the headers that could not be read, over all answers.
 */
public final class ProviderWindowsTable {
    public static final String NAME = "provider_windows";
    public static final String DDL = """
            CREATE TABLE IF NOT EXISTS provider_windows (
              provider               TEXT NOT NULL,
              credential             TEXT NOT NULL,
              ts_us                  INTEGER NOT NULL,
              status                 TEXT,
              reset_s                INTEGER,
              representative_claim   TEXT,
              five_hour_status       TEXT,
              five_hour_utilization  REAL,
              five_hour_reset_s      INTEGER,
              seven_day_status       TEXT,
              seven_day_utilization  REAL,
              seven_day_reset_s      INTEGER,
              requests_limit         INTEGER,
              requests_remaining     INTEGER,
              requests_reset_s       INTEGER,
              tokens_limit           INTEGER,
              tokens_remaining       INTEGER,
              tokens_reset_s         INTEGER,
              input_tokens_limit     INTEGER,
              input_tokens_remaining INTEGER,
              input_tokens_reset_s   INTEGER,
              output_tokens_limit    INTEGER,
              output_tokens_remaining INTEGER,
              output_tokens_reset_s  INTEGER,
              malformed              INTEGER NOT NULL,
              PRIMARY KEY (provider, credential)
            ) WITHOUT ROWID""";
    private static final String[] VALUES = {"status", "reset_s", "representative_claim",
            "five_hour_status", "five_hour_utilization", "five_hour_reset_s",
            "seven_day_status", "seven_day_utilization", "seven_day_reset_s",
            "requests_limit", "requests_remaining", "requests_reset_s",
            "tokens_limit", "tokens_remaining", "tokens_reset_s",
            "input_tokens_limit", "input_tokens_remaining", "input_tokens_reset_s",
            "output_tokens_limit", "output_tokens_remaining", "output_tokens_reset_s"};

    /** A plan window's standing; any part may be null. */
    public record Window(String status, Double utilization, Long resetS) {
        static Window of(String status, Double utilization, Long resetS) {
            return status == null && utilization == null && resetS == null ? null : new Window(status, utilization, resetS);
        }
    }

    /** A per-minute limit's standing; any part may be null. */
    public record Limit(Long limit, Long remaining, Long resetS) {
        static Limit of(Long limit, Long remaining, Long resetS) {
            return limit == null && remaining == null && resetS == null ? null : new Limit(limit, remaining, resetS);
        }
    }

    /** One provider and credential's latest standing; {@code tsUs} is when the last answer said so. */
    public record Standing(String provider, String credential, long tsUs, String status, Long resetS,
                           String representativeClaim, Window fiveHour, Window sevenDay,
                           Limit requests, Limit tokens, Limit inputTokens, Limit outputTokens, long malformed) {

        /**
         * The standing as a JSON-ready map (the shape of {@code cc status --json} and {@code /v1/quotas});
         * a window whose reset time is not after {@code nowSecond} is marked {@code stale}: it has reset since.
         */
        public java.util.Map<String, Object> asMap(long nowSecond) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("provider", provider);
            m.put("credential", credential);
            m.put("as_of", java.time.Instant.ofEpochSecond(0, tsUs * 1000).toString());
            m.put("status", status);
            m.put("reset", time(resetS));
            m.put("representative_claim", representativeClaim);
            m.put("five_hour", window(fiveHour, nowSecond));
            m.put("seven_day", window(sevenDay, nowSecond));
            m.put("requests", limit(requests));
            m.put("tokens", limit(tokens));
            m.put("input_tokens", limit(inputTokens));
            m.put("output_tokens", limit(outputTokens));
            m.put("malformed_headers", malformed);
            return m;
        }

        private static java.util.Map<String, Object> window(Window w, long nowSecond) {
            if (w == null) {
                return null;
            }
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("status", w.status());
            m.put("utilization", w.utilization());
            m.put("reset", time(w.resetS()));
            m.put("stale", w.resetS() != null && w.resetS() <= nowSecond);
            return m;
        }

        private static java.util.Map<String, Object> limit(Limit l) {
            if (l == null) {
                return null;
            }
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("limit", l.limit());
            m.put("remaining", l.remaining());
            m.put("reset", time(l.resetS()));
            return m;
        }

        private static String time(Long epochSecond) {
            return epochSecond == null ? null : java.time.Instant.ofEpochSecond(epochSecond).toString();
        }
    }

    private ProviderWindowsTable() {
    }

    /** Writes standings (newer values over older, malformed added). */
    public static void upsert(Connection db, List<Standing> standings) throws SQLException {
        if (standings.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO provider_windows (provider, credential, ts_us");
        for (String v : VALUES) {
            sql.append(", ").append(v);
        }
        sql.append(", malformed) VALUES (?, ?, ?").append(", ?".repeat(VALUES.length)).append(", ?)")
                .append(" ON CONFLICT (provider, credential) DO UPDATE SET ts_us = excluded.ts_us");
        for (String v : VALUES) {
            sql.append(", ").append(v).append(" = COALESCE(excluded.").append(v).append(", ").append(v).append(')');
        }
        sql.append(", malformed = malformed + excluded.malformed");
        try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
            for (Standing s : standings) {
                int i = 1;
                ps.setString(i++, s.provider());
                ps.setString(i++, s.credential());
                ps.setLong(i++, s.tsUs());
                ps.setString(i++, s.status());
                setLong(ps, i++, s.resetS());
                ps.setString(i++, s.representativeClaim());
                i = window(ps, i, s.fiveHour());
                i = window(ps, i, s.sevenDay());
                i = limit(ps, i, s.requests());
                i = limit(ps, i, s.tokens());
                i = limit(ps, i, s.inputTokens());
                i = limit(ps, i, s.outputTokens());
                ps.setLong(i, s.malformed());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int window(PreparedStatement ps, int i, Window w) throws SQLException {
        ps.setString(i++, w == null ? null : w.status());
        if (w == null || w.utilization() == null) {
            ps.setNull(i++, Types.REAL);
        } else {
            ps.setDouble(i++, w.utilization());
        }
        setLong(ps, i++, w == null ? null : w.resetS());
        return i;
    }

    private static int limit(PreparedStatement ps, int i, Limit l) throws SQLException {
        setLong(ps, i++, l == null ? null : l.limit());
        setLong(ps, i++, l == null ? null : l.remaining());
        setLong(ps, i++, l == null ? null : l.resetS());
        return i;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }

    public static void wipe(Connection db) throws SQLException {
        try (var s = db.createStatement()) {
            s.executeUpdate("DELETE FROM provider_windows");
        }
    }

    /** Every standing, newest first; none when there is no table yet. */
    public static List<Standing> all(Connection db) throws SQLException {
        List<Standing> out = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT provider, credential, ts_us");
        for (String v : VALUES) {
            sql.append(", ").append(v);
        }
        sql.append(", malformed FROM provider_windows ORDER BY ts_us DESC, provider, credential");
        try (PreparedStatement ps = db.prepareStatement(sql.toString()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Standing(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), getLong(rs, 5),
                        rs.getString(6),
                        Window.of(rs.getString(7), getDouble(rs, 8), getLong(rs, 9)),
                        Window.of(rs.getString(10), getDouble(rs, 11), getLong(rs, 12)),
                        Limit.of(getLong(rs, 13), getLong(rs, 14), getLong(rs, 15)),
                        Limit.of(getLong(rs, 16), getLong(rs, 17), getLong(rs, 18)),
                        Limit.of(getLong(rs, 19), getLong(rs, 20), getLong(rs, 21)),
                        Limit.of(getLong(rs, 22), getLong(rs, 23), getLong(rs, 24)),
                        rs.getLong(25)));
            }
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no such table")) {
                throw e;
            }
        }
        return out;
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }
}
