package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Projections;
import dev.ccp.readmodel.Reads;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tokens and completions per lane and model over the budget's rolling window, read from the SQLite
 * projection's {@code quota_usage} table (per minute, never pruned), compared with the {@link UsageBudget}.
 */
public final class UsageReport {
    /** One lane and model's totals. */
    public record Row(String lane, String model, long completions, long input, long output, long cacheCreation,
                      long cacheRead) {
        public long tokens() {
            return input + output + cacheCreation + cacheRead;
        }
    }

    private final UsageBudget budget;
    private final Instant since;
    private final Instant until;
    private final List<Row> rows;

    private UsageReport(UsageBudget budget, Instant since, Instant until, List<Row> rows) {
        this.budget = budget;
        this.since = since;
        this.until = until;
        this.rows = rows;
    }

    public static UsageReport read(CliContext ctx, UsageBudget budget) {
        Instant until = ctx.clock().instant();
        Instant since = until.minus(budget.window());
        // quota_usage is bucketed by minute: the window starts at the minute holding `since`.
        long fromMinute = Math.floorDiv(since.getEpochSecond(), 60) * 60;
        List<Row> rows = new ArrayList<>();
        try (Connection db = Projections.openDbReadOnly(ctx.paths());
             PreparedStatement ps = Reads.usageByLaneAndModel(db)) {
            ps.setLong(1, fromMinute);
            ps.setLong(2, until.getEpochSecond());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7));
                    if (r.completions() > 0 || r.tokens() > 0) {
                        rows.add(r);
                    }
                }
            }
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                throw Projections.noneYet(ctx.paths().logDir());
            }
            throw CommandFailure.of("cannot read " + ctx.paths().dbPath() + ": " + e.getMessage());
        }
        return new UsageReport(budget, since, until, rows);
    }

    public List<Row> rows() {
        return rows;
    }

    public UsageBudget budget() {
        return budget;
    }

    public Instant since() {
        return since;
    }

    public Instant until() {
        return until;
    }

    /** Totals per lane (sorted by name). */
    public Map<String, Row> lanes() {
        Map<String, Row> lanes = new TreeMap<>();
        for (Row r : rows) {
            lanes.merge(r.lane(), new Row(r.lane(), null, r.completions(), r.input(), r.output(), r.cacheCreation(),
                    r.cacheRead()), UsageReport::add);
        }
        return lanes;
    }

    public Row total() {
        Row t = new Row("all", null, 0, 0, 0, 0, 0);
        for (Row r : rows) {
            t = add(t, r);
        }
        return t;
    }

    private static Row add(Row a, Row b) {
        return new Row(a.lane(), null, a.completions() + b.completions(), a.input() + b.input(), a.output() + b.output(),
                a.cacheCreation() + b.cacheCreation(), a.cacheRead() + b.cacheRead());
    }

    /** Each budget the totals exceed, in words ({@code tokens 1200 > 1000 (all lanes)}); empty when none. */
    public List<String> overBudget() {
        List<String> over = new ArrayList<>();
        Row t = total();
        check(over, "tokens", t.tokens(), budget.tokens(), "all lanes");
        check(over, "completions", t.completions(), budget.completions(), "all lanes");
        Map<String, Row> lanes = lanes();
        budget.lanes().forEach((lane, limit) -> {
            Row r = lanes.getOrDefault(lane, new Row(lane, null, 0, 0, 0, 0, 0));
            check(over, "tokens", r.tokens(), limit.tokens(), lane);
            check(over, "completions", r.completions(), limit.completions(), lane);
        });
        return over;
    }

    private static void check(List<String> over, String what, long used, Long limit, String scope) {
        if (limit != null && used > limit) {
            over.add(what + " " + used + " > " + limit + " (" + scope + ")");
        }
    }

    /** The one-line meter: {@code ccp usage 24h: 1.2M/2.0M tokens (60%) · 7/500 completions · anthropic 3 (0.5M) · zai 4 (0.7M)}. */
    public String banner() {
        Row t = total();
        StringBuilder b = new StringBuilder("ccp usage ").append(window(budget.window())).append(": ");
        b.append(against(t.tokens(), budget.tokens())).append(" tokens · ");
        b.append(budget.completions() == null ? String.valueOf(t.completions()) : t.completions() + "/" + budget.completions())
                .append(" completions");
        lanes().forEach((lane, r) -> b.append(" · ").append(lane).append(' ').append(r.completions())
                .append(" (").append(compact(r.tokens())).append(')'));
        if (!budget.defined()) {
            b.append(" · no budget set");
        } else if (!overBudget().isEmpty()) {
            b.append(" · OVER BUDGET");
        }
        return b.toString();
    }

    private static String against(long used, Long limit) {
        if (limit == null) {
            return compact(used);
        }
        long pct = limit == 0 ? (used == 0 ? 0 : 100) : Math.round(used * 100.0 / limit);
        return compact(used) + "/" + compact(limit) + " (" + pct + "%)";
    }

    /** 950, 12.3k, 1.2M, 3.4G. */
    public static String compact(long n) {
        if (n < 1_000) {
            return String.valueOf(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fG", n / 1e9);
    }

    static String window(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0 && s > 86_400) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    public Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("window", window(budget.window()));
        doc.put("since", since.toString());
        doc.put("until", until.toString());
        doc.put("budget_file", budget.file() == null ? null : budget.file().toString());
        if (budget.defined()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("tokens", budget.tokens());
            b.put("completions", budget.completions());
            Map<String, Object> lanes = new LinkedHashMap<>();
            budget.lanes().forEach((lane, l) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tokens", l.tokens());
                m.put("completions", l.completions());
                lanes.put(lane, m);
            });
            b.put("lanes", lanes);
            doc.put("budget", b);
        } else {
            doc.put("budget", null);
        }
        doc.put("total", totals(total()));
        Map<String, Object> lanes = new LinkedHashMap<>();
        lanes().forEach((lane, r) -> lanes.put(lane, totals(r)));
        doc.put("lanes", lanes);
        doc.put("models", rows.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lane", r.lane());
            m.put("model", r.model());
            m.putAll(totals(r));
            return m;
        }).toList());
        doc.put("over_budget", overBudget());
        doc.put("banner", banner());
        return doc;
    }

    private static Map<String, Object> totals(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("completions", r.completions());
        m.put("input_tokens", r.input());
        m.put("output_tokens", r.output());
        m.put("cache_creation_input_tokens", r.cacheCreation());
        m.put("cache_read_input_tokens", r.cacheRead());
        m.put("total_tokens", r.tokens());
        return m;
    }
}
