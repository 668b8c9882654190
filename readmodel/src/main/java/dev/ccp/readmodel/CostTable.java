package dev.ccp.readmodel;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cost_hour}: what the requests cost per UTC hour, lane, model, session, project and member,
 * in pico-dollars (10<sup>-12</sup> USD, exact integers). Written by the projector in every checkpoint
 * transaction; kept like the rollups (never pruned), so {@code cc usage --cost} and
 * {@code /v1/usage/cost} see all history. An unknown session, project or member is {@code ''}.
 */
public final class CostTable {
    public static final String NAME = "cost_hour";
    public static final String DDL = """
            CREATE TABLE IF NOT EXISTS cost_hour (
              hour_start                  INTEGER NOT NULL,
              lane                        TEXT NOT NULL,
              model                       TEXT NOT NULL,
              session_id                  TEXT NOT NULL,
              project                     TEXT NOT NULL,
              member                      TEXT NOT NULL,
              requests                    INTEGER NOT NULL,
              unpriced                    INTEGER NOT NULL,
              list_unpriced               INTEGER NOT NULL,
              offloaded                   INTEGER NOT NULL,
              input_tokens                INTEGER NOT NULL,
              output_tokens               INTEGER NOT NULL,
              cache_creation_input_tokens INTEGER NOT NULL,
              cache_read_input_tokens     INTEGER NOT NULL,
              cost_pusd                   INTEGER NOT NULL,
              list_cost_pusd              INTEGER NOT NULL,
              saved_pusd                  INTEGER NOT NULL,
              PRIMARY KEY (hour_start, lane, model, session_id, project, member)
            ) WITHOUT ROWID""";

    /** What a report can be grouped by, and its column. */
    public enum By {
        LANE("lane"), MODEL("model"), SESSION("session_id"), PROJECT("project"), MEMBER("member");

        final String column;

        By(String column) {
            this.column = column;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException naming the choices */
        public static By of(String name) {
            for (By b : values()) {
                if (b.label().equals(name)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("by must be one of lane, model, session, project, member (not " + name + ")");
        }
    }

    /** One group's sums. {@code key} is {@code ''} for requests that did not say. Amounts in pico-dollars. */
    public record Row(String key, long requests, long unpriced, long listUnpriced, long offloaded,
                      long inputTokens, long outputTokens, long cacheCreationTokens, long cacheReadTokens,
                      long cost, long listCost, long saved, long firstHour, long lastHour) {
        Row plus(Row o) {
            return new Row(key, requests + o.requests, unpriced + o.unpriced, listUnpriced + o.listUnpriced,
                    offloaded + o.offloaded, inputTokens + o.inputTokens, outputTokens + o.outputTokens,
                    cacheCreationTokens + o.cacheCreationTokens, cacheReadTokens + o.cacheReadTokens,
                    Math.addExact(cost, o.cost), Math.addExact(listCost, o.listCost), Math.addExact(saved, o.saved),
                    Math.min(firstHour, o.firstHour), Math.max(lastHour, o.lastHour));
        }
    }

    /** A report: the rows by cost (highest first), and their total ({@code key} "total"). */
    public record Report(By by, long sinceHour, List<Row> rows, Row total) {
        /**
         * The report as a JSON-ready map; amounts as exact decimal dollars.
         *
         * @param planFees the flat plan fees of the period, pico-dollars (subtracted from the savings)
         */
        public Map<String, Object> asMap(long planFees, String since) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("by", by.label());
            doc.put("since", since);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                list.add(row(r, by.label()));
            }
            doc.put("rows", list);
            Map<String, Object> total = row(total(), null);
            total.put("plan_fees_usd", usd(planFees));
            total.put("net_saved_usd", usd(total().saved - planFees));
            doc.put("total", total);
            doc.put("unpriced_requests", total().unpriced);
            return doc;
        }

        private static Map<String, Object> row(Row r, String keyName) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (keyName != null) {
                m.put(keyName, r.key.isEmpty() ? null : r.key);
            }
            m.put("requests", r.requests);
            m.put("unpriced", r.unpriced);
            m.put("offloaded", r.offloaded);
            m.put("input_tokens", r.inputTokens);
            m.put("output_tokens", r.outputTokens);
            m.put("cache_creation_input_tokens", r.cacheCreationTokens);
            m.put("cache_read_input_tokens", r.cacheReadTokens);
            m.put("cost_usd", usd(r.cost));
            m.put("list_cost_usd", usd(r.listCost));
            m.put("saved_usd", usd(r.saved));
            return m;
        }
    }

    /** Exact dollars of pico-dollars, without trailing zeros (0 as {@code 0}). */
    public static BigDecimal usd(long picos) {
        BigDecimal d = BigDecimal.valueOf(picos, 12).stripTrailingZeros();
        return d.signum() == 0 ? BigDecimal.ZERO : d;
    }

    private CostTable() {
    }

    /**
     * Adds to the table: hour_start, lane, model, session_id, project, member, requests, unpriced,
     * list_unpriced, offloaded, input_tokens, output_tokens, cache_creation_input_tokens,
     * cache_read_input_tokens, cost_pusd, list_cost_pusd, saved_pusd.
     */
    public static PreparedStatement add(Connection db) throws SQLException {
        return db.prepareStatement("INSERT INTO cost_hour (hour_start, lane, model, session_id, project, member, requests,"
                + " unpriced, list_unpriced, offloaded, input_tokens, output_tokens, cache_creation_input_tokens,"
                + " cache_read_input_tokens, cost_pusd, list_cost_pusd, saved_pusd)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (hour_start, lane, model, session_id, project, member) DO UPDATE SET"
                + " requests = requests + excluded.requests, unpriced = unpriced + excluded.unpriced,"
                + " list_unpriced = list_unpriced + excluded.list_unpriced, offloaded = offloaded + excluded.offloaded,"
                + " input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,"
                + " cache_creation_input_tokens = cache_creation_input_tokens + excluded.cache_creation_input_tokens,"
                + " cache_read_input_tokens = cache_read_input_tokens + excluded.cache_read_input_tokens,"
                + " cost_pusd = cost_pusd + excluded.cost_pusd, list_cost_pusd = list_cost_pusd + excluded.list_cost_pusd,"
                + " saved_pusd = saved_pusd + excluded.saved_pusd");
    }

    /** Empties it (a rebuild). */
    public static void wipe(Connection db) throws SQLException {
        try (var s = db.createStatement()) {
            s.executeUpdate("DELETE FROM cost_hour");
        }
    }

    /**
     * The report of the hours starting at or after {@code sinceHour} (epoch seconds, a whole hour),
     * grouped {@code by}. By lane or model it is read from {@code rollup_hour} and the samples not folded
     * into it yet (one statement, so one snapshot: a publication between two reads cannot count a request
     * twice); by session, project or member, which the rollups do not keep, from {@code cost_hour}. Both
     * are never pruned, so any range reads all of its history. No table yet reads as an empty report.
     */
    public static Report report(Connection db, By by, long sinceHour) throws SQLException {
        return report(db, by, sinceHour, null);
    }

    /** As {@link #report(Connection, By, long)}, of one member's requests only when {@code member} is not null. */
    public static Report report(Connection db, By by, long sinceHour, String member) throws SQLException {
        List<Row> rows = new ArrayList<>();
        // A member's requests are read from cost_hour, which keeps the member; the rollups sum every member.
        boolean fromRollups = member == null && (by == By.LANE || by == By.MODEL);
        String sql = fromRollups ? ROLLUP_REPORT.formatted(by.column, by.column)
                : COST_HOUR_REPORT.formatted(by.column, member != null ? " AND member = ?" : "");
        sql = sql + " GROUP BY 1 ORDER BY SUM(cost) DESC, SUM(requests) DESC, 1";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setLong(1, sinceHour);
            if (fromRollups) {
                ps.setString(2, Tables.ROLLUPS_CHECKPOINT);
                ps.setLong(3, Math.multiplyExact(sinceHour, 1_000_000L));
            } else if (member != null) {
                ps.setString(2, member);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
                            rs.getLong(12), rs.getLong(13), rs.getLong(14)));
                }
            }
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no such table")) {
                throw e;
            }
        }
        Row total = new Row("total", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
        for (Row r : rows) {
            total = total.plus(r);
        }
        return new Report(by, sinceHour, rows, total);
    }

    /** A sample served by other than the list-price provider ({@code anthropic}). */
    private static final String OFFLOADED = "(provider IS NOT NULL AND provider <> 'anthropic')";

    private static final String SUMS = "SELECT k, SUM(requests), SUM(unpriced), SUM(list_unpriced), SUM(offloaded),"
            + " SUM(input_tokens), SUM(output_tokens), SUM(cache_creation_input_tokens), SUM(cache_read_input_tokens),"
            + " SUM(cost), SUM(list_cost), SUM(saved), MIN(hour), MAX(hour) FROM (";

    private static final String COST_HOUR_REPORT = SUMS + "SELECT %s AS k, hour_start AS hour, requests, unpriced,"
            + " list_unpriced, offloaded, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens,"
            + " cost_pusd AS cost, list_cost_pusd AS list_cost, saved_pusd AS saved FROM cost_hour WHERE hour_start >= ?%s)";

    /**
     * The rollups, and the samples after the rollups' checkpoint (retention never prunes those). A rollup
     * row folded before rollups carried cost has NULL money columns: all its requests count as unpriced.
     */
    private static final String ROLLUP_REPORT = SUMS + "SELECT %s AS k, bucket_start AS hour, count AS requests,"
            + " COALESCE(unpriced, count) AS unpriced, COALESCE(list_unpriced, count) AS list_unpriced,"
            + " COALESCE(offloaded, 0) AS offloaded, input_tokens, output_tokens, cache_creation_input_tokens,"
            + " cache_read_input_tokens, COALESCE(cost_pusd, 0) AS cost, COALESCE(list_cost_pusd, 0) AS list_cost,"
            + " COALESCE(saved_pusd, 0) AS saved FROM rollup_hour WHERE bucket_start >= ?"
            + " UNION ALL SELECT COALESCE(%s, 'unknown'), (ts_us / 3600000000) * 3600, 1, cost_pusd IS NULL,"
            + " list_cost_pusd IS NULL, " + OFFLOADED + ", input_tokens, output_tokens, cache_creation_input_tokens,"
            + " cache_read_input_tokens, COALESCE(cost_pusd, 0), COALESCE(list_cost_pusd, 0),"
            + " CASE WHEN " + OFFLOADED + " AND cost_pusd IS NOT NULL AND list_cost_pusd IS NOT NULL"
            + " THEN list_cost_pusd - cost_pusd ELSE 0 END"
            + " FROM samples WHERE idx > COALESCE((SELECT idx FROM checkpoints WHERE name = ?), -1) AND ts_us >= ?)";
}
