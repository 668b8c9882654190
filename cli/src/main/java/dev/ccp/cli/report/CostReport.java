package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Projections;
import dev.ccp.cli.support.Table;
import dev.ccp.events.Durations;
import dev.ccp.policy.price.PriceException;
import dev.ccp.policy.price.PriceFiles;
import dev.ccp.policy.price.PriceTable;
import dev.ccp.policy.price.PriceTables;
import dev.ccp.readmodel.CostTable;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code cc usage --cost}: what the requests cost, from the read model's {@code cost_hour} (exact
 * pico-dollar sums, printed as exact decimals), grouped by lane, model, session, project or member,
 * with the unpriced requests counted and the flat plan fees of the period subtracted from the savings.
 * The same document as {@code GET /v1/usage/cost}.
 */
final class CostReport {
    private final CostTable.Report report;
    private final long planFees;
    private final Instant since;
    private final PriceTable prices;

    private CostReport(CostTable.Report report, long planFees, Instant since, PriceTable prices) {
        this.report = report;
        this.planFees = planFees;
        this.since = since;
        this.prices = prices;
    }

    static CostReport read(CliContext ctx, String by, String sinceText) {
        CostTable.By groups;
        try {
            groups = CostTable.By.of(by);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.of("--by " + e.getMessage().substring(3));
        }
        Instant now = ctx.clock().instant();
        Instant since = null;
        if (sinceText != null) {
            Duration d;
            try {
                d = Durations.parse(sinceText);
            } catch (IllegalArgumentException e) {
                throw CommandFailure.of("--since " + sinceText + " is not a duration (for example 7d, 24h, 90m)");
            }
            since = Instant.ofEpochSecond(Math.floorDiv(now.minus(d).getEpochSecond(), 3600) * 3600);
        }
        PriceTable prices;
        try {
            prices = PriceTables.load(PriceFiles.of(ctx.paths(), ctx.env(), null), null);
        } catch (PriceException e) {
            throw CommandFailure.of(e.getMessage());
        }
        CostTable.Report report;
        try (Connection db = Projections.openDbReadOnly(ctx.paths())) {
            report = CostTable.report(db, groups, since == null ? 0 : since.getEpochSecond());
        } catch (SQLException e) {
            throw CommandFailure.of("cannot read " + ctx.paths().dbPath() + ": " + e.getMessage());
        }
        long fees = 0;
        if (since != null || !report.rows().isEmpty()) {
            Instant from = since != null ? since : Instant.ofEpochSecond(report.total().firstHour());
            fees = prices.planFees(null, from, now);
        }
        return new CostReport(report, fees, since, prices);
    }

    Map<String, Object> document() {
        return report.asMap(planFees, since == null ? null : since.toString());
    }

    void print(PrintWriter out) {
        String by = report.by().label();
        out.println("cost by " + by + (since == null ? " over all recorded requests" : " since " + since)
                + " (USD, exact; prices from " + (prices.layers().isEmpty() ? "no price file" : String.join(" + ", prices.layers())) + ")");
        Table t = new Table(by.toUpperCase(java.util.Locale.ROOT), "REQUESTS", "UNPRICED", "OFFLOADED", "COST_USD",
                "LIST_USD", "SAVED_USD").alignRight(1, 2, 3, 4, 5, 6);
        for (CostTable.Row r : report.rows()) {
            row(t, r.key().isEmpty() ? "(none)" : r.key(), r);
        }
        row(t, "total", report.total());
        if (report.rows().isEmpty()) {
            out.println("no priced requests recorded" + (since == null ? "" : " in this period"));
        } else {
            t.print(out);
        }
        if (planFees != 0) {
            out.println("plan fees for the period (pro-rated): " + CostTable.usd(planFees).toPlainString()
                    + " USD; net savings " + CostTable.usd(report.total().saved() - planFees).toPlainString() + " USD");
        }
        long unpriced = report.total().unpriced();
        if (unpriced > 0) {
            out.println("unpriced " + unpriced + " request" + (unpriced == 1 ? "" : "s")
                    + ": their models have no price in the table (see configs/prices.yaml); counted in REQUESTS, not in COST_USD");
        }
    }

    private static void row(Table t, String key, CostTable.Row r) {
        t.row(key, r.requests(), r.unpriced(), r.offloaded(), CostTable.usd(r.cost()).toPlainString(),
                CostTable.usd(r.listCost()).toPlainString(), CostTable.usd(r.saved()).toPlainString());
    }
}
