package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/**
 * {@code cc usage [--banner]}: the fuel gauge, tokens and completions per lane and model against the budget;
 * {@code cc usage --cost [--by …] [--since D]}: what the requests cost (see {@link CostReport}).
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Tokens and completions per lane and model against the usage budget.",
                "Counted over the budget's rolling window (default 24h) from the SQLite projection. The budget is",
                "CCP_USAGE_BUDGET_FILE, else ~/.config/ccp/usage-budget.yaml, else configs/usage-budget.yaml (see",
                "configs/usage-budget.example.yaml); without one it shows the totals only.",
                "With --by member: the first table per team member and lane instead (from the samples, kept CCP_SAMPLE_TTL_DAYS).",
                "With --cost: cost, list cost and savings (exact USD) by lane, model, session, project or member,",
                "from the price table (configs/prices.yaml; docs/COSTS.md).",
                "Exit status: 0 within budget (or none set), 1 over a budget, 2 no projection or a bad budget or price file."})
public final class UsageCommand extends CcSubcommand {
    @Option(names = "--banner", description = "Print only the one-line meter (also printed by 'cc on').")
    boolean banner;

    @Option(names = "--cost", description = "What the requests cost: cost, list cost and savings in USD, unpriced requests counted.")
    boolean cost;

    @Option(names = "--by", paramLabel = "GROUP", defaultValue = "lane",
            description = "lane (default) or member; with --cost also model, session and project.")
    String by;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "With --cost: only the hours from now minus DURATION on (7d, 24h, …; whole hours); default: all.")
    String since;

    @Mixin
    JsonOption json;

    public UsageCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        if (cost) {
            CostReport c = CostReport.read(ctx, by, since);
            if (json.on()) {
                Json.print(out(), c.document());
            } else {
                c.print(out());
            }
            return ExitCodes.OK;
        }
        if (!by.equals("lane") && !by.equals("model") && !by.equals("member")) {
            throw CommandFailure.of("--by must be lane, model or member (not " + by + "); session and project go with --cost");
        }
        UsageReport report = UsageReport.read(ctx, UsageBudget.load(ctx));
        List<MemberUsage.Row> members = by.equals("member") && !banner
                ? MemberUsage.read(ctx, report.since(), report.until()) : null;
        if (json.on()) {
            Map<String, Object> doc = report.document();
            if (members != null) {
                doc.put("members", MemberUsage.document(members));
            }
            Json.print(out(), doc);
        } else if (banner) {
            out().println(report.banner());
        } else {
            print(report, members);
        }
        return report.overBudget().isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private void print(UsageReport report, List<MemberUsage.Row> members) {
        UsageBudget budget = report.budget();
        out().println("usage over the last " + UsageReport.window(budget.window()) + " (" + report.since() + " .. "
                + report.until() + "), " + (budget.defined() ? "budget from " + budget.file()
                : "no budget set (copy configs/usage-budget.example.yaml to configs/usage-budget.yaml)"));
        Table models;
        if (members != null) {
            models = new Table("MEMBER", "LANE", "COMPLETIONS", "INPUT", "OUTPUT", "CACHE_W", "CACHE_R", "TOKENS")
                    .alignRight(2, 3, 4, 5, 6, 7);
            for (MemberUsage.Row m : members) {
                UsageReport.Row r = m.totals();
                models.row(MemberUsage.label(m), r.lane(), r.completions(), r.input(), r.output(), r.cacheCreation(),
                        r.cacheRead(), r.tokens());
            }
        } else {
            models = new Table("LANE", "MODEL", "COMPLETIONS", "INPUT", "OUTPUT", "CACHE_W", "CACHE_R", "TOKENS")
                    .alignRight(2, 3, 4, 5, 6, 7);
            for (UsageReport.Row r : report.rows()) {
                models.row(r.lane(), r.model(), r.completions(), r.input(), r.output(), r.cacheCreation(), r.cacheRead(), r.tokens());
            }
        }
        if (members != null ? members.isEmpty() : report.rows().isEmpty()) {
            out().println("no requests finished in this window");
        } else {
            models.print(out());
        }
        out().println();
        Table lanes = new Table("LANE", "COMPLETIONS", "BUDGET", "TOKENS", "BUDGET", "USED").alignRight(1, 2, 3, 4, 5);
        report.lanes().forEach((lane, r) -> {
            UsageBudget.Limit l = budget.lanes().get(lane);
            lanes.row(lane, r.completions(), l == null ? null : l.completions(), r.tokens(), l == null ? null : l.tokens(),
                    used(r, l == null ? null : l.completions(), l == null ? null : l.tokens()));
        });
        UsageReport.Row t = report.total();
        lanes.row("all", t.completions(), budget.completions(), t.tokens(), budget.tokens(), used(t, budget.completions(), budget.tokens()));
        lanes.print(out());
        report.overBudget().forEach(o -> out().println("over budget: " + o));
        out().println(report.banner());
    }

    /** The larger share of the two budgets, so a row over its completions budget never reads as well within. */
    static String used(UsageReport.Row r, Long completionsLimit, Long tokensLimit) {
        Long completions = share(r.completions(), completionsLimit);
        Long tokens = share(r.tokens(), tokensLimit);
        if (completions == null && tokens == null) {
            return null;
        }
        return Math.max(completions == null ? 0 : completions, tokens == null ? 0 : tokens) + "%";
    }

    private static Long share(long used, Long limit) {
        return limit == null || limit == 0 ? null : Math.round(used * 100.0 / limit);
    }
}
