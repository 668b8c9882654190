package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import dev.ccp.cli.support.Table;
import dev.ccp.events.Durations;
import dev.ccp.policy.catalog.CatalogException;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.catalog.MergedCatalog;
import dev.ccp.policy.price.PriceException;
import dev.ccp.policy.price.PriceFiles;
import dev.ccp.policy.price.PriceTable;
import dev.ccp.policy.price.PriceTables;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.SampleTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code cc whatif --providers FILE [--prices FILE] [--since D]}: the recorded requests under another catalog. */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        description = {"Replay the recorded requests' routing under another catalog (never the LLM calls).",
                "Prints, beside what happened: requests and tokens per lane, offload share, cost, list cost and savings (USD).",
                "Read-only: reads the SQLite samples (kept CCP_SAMPLE_TTL_DAYS); changes no projection."})
public final class WhatIfCommand extends CcSubcommand {
    @Option(names = "--providers", paramLabel = "FILE", required = true,
            description = "The catalog to replay under, layered over the built-in policy.")
    Path providers;

    @Option(names = "--prices", paramLabel = "FILE",
            description = "A price file over configs/prices.yaml and ~/.config/ccp/prices.yaml (default: CCP_PRICES_FILE).")
    Path prices;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only the requests of the last DURATION (7d, 24h, …); default: all samples.")
    String since;

    @Mixin
    JsonOption json;

    public WhatIfCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        Path file = ctx.paths().home().resolve(providers).toAbsolutePath().normalize();
        MergedCatalog catalog;
        try {
            catalog = MergedCatalog.load(new CatalogFiles(List.of(file), file), Map.of());
        } catch (CatalogException e) {
            throw CommandFailure.of(e.getMessage());
        }
        PriceTable table;
        try {
            table = PriceTables.load(PriceFiles.of(ctx.paths(), ctx.env(),
                    prices == null ? null : ctx.paths().home().resolve(prices)), catalog.catalog().providers().keySet());
        } catch (PriceException e) {
            throw CommandFailure.of(e.getMessage());
        }
        Instant from = null;
        if (since != null) {
            try {
                from = ctx.clock().instant().minus(Durations.parse(since));
            } catch (IllegalArgumentException e) {
                throw CommandFailure.of("--since " + since + " is not a duration (for example 7d, 24h, 90m)");
            }
        }
        WhatIf w = new WhatIf(catalog.catalog(), table);
        try (Connection db = Projections.openDbReadOnly(ctx.paths())) {
            SampleTokens.each(db, from == null ? Long.MIN_VALUE : from.getEpochSecond() * 1_000_000L, w::add);
        } catch (SQLException e) {
            throw CommandFailure.of("cannot read " + ctx.paths().dbPath() + ": " + e.getMessage());
        }
        String priceSource = table.layers().isEmpty() ? "no price file" : String.join(" + ", table.layers());
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("requests", w.recorded.requests);
            doc.put("since", from == null ? null : from.toString());
            doc.put("catalog", file.toString());
            doc.put("prices", priceSource);
            doc.put("recorded", w.recorded.asMap());
            doc.put("what_if", w.whatIf.asMap());
            Json.print(out(), doc);
            return ExitCodes.OK;
        }
        out().println("what-if over " + w.recorded.requests + " requests (" + (from == null ? "all samples" : "since " + from)
                + ") under " + file + " (prices: " + priceSource + ")");
        Table t = new Table("", "RECORDED", "WHAT-IF").alignRight(1, 2);
        Set<String> lanes = new TreeSet<>(w.recorded.lanes.keySet());
        lanes.addAll(w.whatIf.lanes.keySet());
        for (String lane : lanes) {
            t.row("requests " + lane, count(w.recorded, lane, 0), count(w.whatIf, lane, 0));
        }
        for (String lane : lanes) {
            t.row("tokens " + lane, count(w.recorded, lane, 1), count(w.whatIf, lane, 1));
        }
        t.row("offload share", pct(w.recorded.offloadShare()), pct(w.whatIf.offloadShare()));
        t.row("cost USD", CostTable.usd(w.recorded.cost).toPlainString(), CostTable.usd(w.whatIf.cost).toPlainString());
        t.row("list USD", CostTable.usd(w.recorded.listCost).toPlainString(), CostTable.usd(w.whatIf.listCost).toPlainString());
        t.row("saved USD", CostTable.usd(w.recorded.saved).toPlainString(), CostTable.usd(w.whatIf.saved).toPlainString());
        t.row("unpriced", w.recorded.unpriced, w.whatIf.unpriced);
        t.print(out());
        return ExitCodes.OK;
    }

    private static long count(WhatIf.Side side, String lane, int i) {
        long[] v = side.lanes.get(lane);
        return v == null ? 0 : v[i];
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
