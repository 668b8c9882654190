package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Projections;
import dev.ccp.readmodel.Reads;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cc usage --by member}: tokens and completions per team member and lane over the same window as
 * the fuel gauge. Read from the SQLite samples, which name each request's member (the per-minute
 * {@code quota_usage} the gauge reads sums every member), so it covers the samples kept
 * ({@code CCP_SAMPLE_TTL_DAYS}, 7 days by default).
 */
final class MemberUsage {
    /** One member's totals on one lane; {@code member} is {@code ""} for requests of a proxy that named none. */
    record Row(String member, UsageReport.Row totals) {
    }

    private MemberUsage() {
    }

    static List<Row> read(CliContext ctx, Instant since, Instant until) {
        // The gauge's window starts at the minute holding `since`: the same requests here.
        long fromUs = Math.floorDiv(since.getEpochSecond(), 60) * 60 * 1_000_000L;
        long untilUs = until.getEpochSecond() * 1_000_000L + 999_999;
        List<Row> rows = new ArrayList<>();
        try (Connection db = Projections.openDbReadOnly(ctx.paths());
             PreparedStatement ps = Reads.usageByMemberAndLane(db)) {
            ps.setLong(1, fromUs);
            ps.setLong(2, untilUs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), new UsageReport.Row(rs.getString(2), null, rs.getLong(3),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))));
                }
            }
        } catch (SQLException e) {
            if (Reads.noTable(e)) {
                throw Projections.noneYet(ctx.paths().logDir());
            }
            if (Reads.noColumn(e)) {
                // A database no projector of this build has opened yet: no member recorded.
                return rows;
            }
            throw CommandFailure.of("cannot read " + ctx.paths().dbPath() + ": " + e.getMessage());
        }
        return rows;
    }

    static String label(Row r) {
        return r.member().isEmpty() ? "(none)" : r.member();
    }

    static List<Map<String, Object>> document(List<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("member", r.member().isEmpty() ? null : r.member());
            m.put("lane", r.totals().lane());
            UsageReport.Row t = r.totals();
            m.put("completions", t.completions());
            m.put("input_tokens", t.input());
            m.put("output_tokens", t.output());
            m.put("cache_creation_input_tokens", t.cacheCreation());
            m.put("cache_read_input_tokens", t.cacheRead());
            m.put("total_tokens", t.tokens());
            out.add(m);
        }
        return out;
    }
}
