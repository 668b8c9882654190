package dev.ccp.cli.quota;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import dev.ccp.cli.support.Table;
import dev.ccp.policy.quota.Calibration;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaConfigException;
import dev.ccp.policy.quota.QuotaJson;
import dev.ccp.policy.quota.QuotaStanding;
import dev.ccp.policy.quota.Windows;
import dev.ccp.readmodel.ProviderWindowsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cc status}: per model and lane, rolling and weekly use against the quotas, warn/block flags,
 * the learned warn level, stream speed and the fastest hour; then a line per quota over warn. Reads
 * the projections only (see docs/QUOTAS.md for every column).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Quotas and usage per model, against the quotas the proxy enforces.",
                "Rolling/weekly use and %%, warn/block, WARN_AUTO%%, TPS, peak hour, ROLL OUT (elr/dirty).",
                "Reads the SQLite projection and the quotas file the running proxy has loaded (asked on CCP_PORT,",
                "MITM_PORT or 8082); without a proxy the active file (CCP_QUOTAS_FILE, configs/quotas.yaml,",
                "~/.config/ccp/quotas.yaml). Then the providers' own windows as their latest answers reported",
                "them (Anthropic's 5-hour and 7-day use and reset), per credential fingerprint."})
public final class StatusCommand extends CcSubcommand {
    @Option(names = "--debug-quota", description = "Add the calibration gaps (gap_seconds_p50/p95) and sample counts.")
    boolean debugQuota;

    @Mixin
    JsonOption json;

    public StatusCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws SQLException {
        QuotaConfig config;
        try {
            config = QuotasInForce.load(ctx);
        } catch (QuotaConfigException e) {
            throw CommandFailure.of(e.getMessage());
        }
        Instant now = ctx.clock().instant();
        StatusReport.Report report;
        List<ProviderWindowsTable.Standing> windows;
        try (Connection c = Projections.openDbReadOnly(ctx.paths())) {
            report = StatusReport.build(ctx.paths().dbPath(), c, config, now);
            windows = ProviderWindowsTable.all(c);
        }
        if (json.on()) {
            Map<String, Object> doc = json(report);
            doc.put("provider_windows", windows.stream().map(w -> w.asMap(now.getEpochSecond())).toList());
            Json.print(out(), doc);
        } else {
            text(report);
            ProviderWindowLines.lines(windows, now).forEach(out()::println);
        }
        return ExitCodes.OK;
    }

    private void text(StatusReport.Report r) {
        List<String> header = new ArrayList<>(List.of("MODEL", "LANE", "QUOTA", "ROLL", "ROLL%", "WEEK", "WEEK%", "FLAGS",
                "WARN_AUTO%", "TPS", "PEAK(UTC)", "ROLL OUT (elr/dirty)"));
        if (debugQuota) {
            header.addAll(List.of("GAP_P50", "GAP_P95", "GAP_SAMPLES", "STREAMS(roll/week)"));
        }
        Table t = new Table(header.toArray(String[]::new)).alignRight(4, 6, 9);
        for (StatusReport.ModelRow m : r.models()) {
            QuotaStanding q = m.quota();
            List<Object> cells = new ArrayList<>();
            cells.add(m.model());
            cells.add(m.lane());
            cells.add(q == null ? "-" : q.quota().name());
            cells.add(q == null ? m.ownRolling().requests() + " requests (" + Windows.label(m.window()) + ")"
                    : (q.quota().rolling().isEmpty() ? q.rolling().requests() + " requests" : q.quota().rolling().describe(q.rolling()))
                    + " (" + Windows.label(m.window()) + ")");
            cells.add(q == null || q.quota().rolling().isEmpty() ? "-" : pct(q.rollingPct()));
            cells.add(q == null ? m.ownWeekly().requests() + " requests" : q.quota().weekly().isEmpty() ? q.weekly().requests() + " requests"
                    : q.quota().weekly().describe(q.weekly()));
            cells.add(q == null || q.quota().weekly().isEmpty() ? "-" : pct(q.weeklyPct()));
            cells.add(q == null ? "-" : q.block() ? "BLOCK" : q.warn() ? "warn" : "ok");
            Calibration cal = m.calibration();
            cells.add(cal.warnAutoPct() == null ? "-" : num(cal.warnAutoPct()) + " (" + String.format(Locale.ROOT, "%.1f", cal.confidence()) + ")");
            cells.add(m.weekly().elr() == null ? "-" : num(m.weekly().elr()));
            cells.add(m.peakHourUtc() == null ? "-" : String.format(Locale.ROOT, "%02d:00", m.peakHourUtc()));
            cells.add(m.rolling().streams() == 0 ? "-" : m.rolling().outputTokens() + " (" + num(m.rolling().elr())
                    + "/" + num(m.rolling().dirty()) + ")");
            if (debugQuota) {
                cells.add(cal.gapP50() == null ? "-" : num(cal.gapP50()) + "s");
                cells.add(cal.gapP95() == null ? "-" : num(cal.gapP95()) + "s");
                cells.add(cal.samples());
                cells.add(m.rolling().streams() + "/" + m.weekly().streams());
            }
            t.row(cells.toArray());
        }
        if (!r.models().isEmpty()) {
            t.print(out());
        }
        for (QuotaStanding s : r.quotas()) {
            if (s.block()) {
                out().println("block: " + s.describe() + " (block at " + num(s.quota().blockPct()) + "%)"
                        + (s.freesAt() == null ? "" : "; frees at " + s.freesAt()));
            } else if (s.warn()) {
                out().println("warn: " + s.describe() + " (warn at " + num(s.quota().warnPct()) + "%)");
            }
        }
        if (r.refusedThisWeek() > 0) {
            out().println(r.refusedThisWeek() + " request(s) refused by the proxy itself in the last 7 days"
                    + " (no provider served them; they count against no quota)");
        }
        out().println(r.models().size() + " model/lane pair(s) used in the last 7 days; "
                + (r.config().quotas().isEmpty() ? "no quotas (" + r.config().source() + ")"
                : r.config().quotas().size() + " quota(s) from " + r.config().source()) + "; at " + r.at());
    }

    private Map<String, Object> json(StatusReport.Report r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("at", r.at().toString());
        doc.put("quotas_source", r.config().source());
        doc.put("refused_requests_7d", r.refusedThisWeek());
        List<Object> quotas = new ArrayList<>();
        for (QuotaStanding s : r.quotas()) {
            Map<String, Object> q = QuotaJson.standing(s);
            calibration(q, r.calibrations().get(s.quota().name()));
            quotas.add(q);
        }
        doc.put("quotas", quotas);
        List<Object> models = new ArrayList<>();
        for (StatusReport.ModelRow m : r.models()) {
            Map<String, Object> row = new LinkedHashMap<>();
            QuotaStanding q = m.quota();
            row.put("model", m.model());
            row.put("lane", m.lane());
            row.put("quota", q == null ? null : q.quota().name());
            row.put("window", Windows.label(m.window()));
            row.put("rolling_requests", m.ownRolling().requests());
            row.put("rolling_tokens", m.ownRolling().totalTokens());
            row.put("weekly_requests", m.ownWeekly().requests());
            row.put("weekly_tokens", m.ownWeekly().totalTokens());
            row.put("rolling_pct", q == null || q.quota().rolling().isEmpty() ? null : QuotaJson.round(q.rollingPct()));
            row.put("weekly_pct", q == null || q.quota().weekly().isEmpty() ? null : QuotaJson.round(q.weeklyPct()));
            row.put("warn", q != null && q.warn());
            row.put("block", q != null && q.block());
            row.put("tps", round(m.weekly().elr()));
            row.put("peak_hour_utc", m.peakHourUtc());
            row.put("roll_out_tokens", m.rolling().outputTokens());
            row.put("roll_out_elr_tps", round(m.rolling().elr()));
            row.put("roll_out_dirty_tps", round(m.rolling().dirty()));
            calibration(row, m.calibration());
            if (debugQuota) {
                row.put("rolling_streams", m.rolling().streams());
                row.put("weekly_streams", m.weekly().streams());
            }
            models.add(row);
        }
        doc.put("models", models);
        return doc;
    }

    private void calibration(Map<String, Object> m, Calibration c) {
        m.put("warn_pct_auto", c.warnAutoPct());
        m.put("warn_pct_confidence", c.confidence());
        if (debugQuota) {
            m.put("gap_seconds_p50", c.gapP50());
            m.put("gap_seconds_p95", c.gapP95());
            m.put("gap_samples", c.samples());
        }
    }

    private static Double round(Double d) {
        return d == null ? null : Math.round(d * 10) / 10.0;
    }

    private static String pct(double p) {
        return num(p) + "%";
    }

    private static String num(double d) {
        return d >= 100 || d == Math.rint(d) ? Long.toString(Math.round(d)) : String.format(Locale.ROOT, "%.1f", d);
    }
}
