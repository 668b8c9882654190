package dev.ccp.policy.quota;

import java.time.Instant;

/**
 * Where one quota stands at one moment.
 *
 * @param rollingPct use of the rolling window as a percentage of its tightest cap
 * @param weeklyPct  the same for the last 7 days
 * @param freesAt    when blocked: when enough use leaves the window to go under block_pct; else null
 */
public record QuotaStanding(Quota quota, WindowUse rolling, WindowUse weekly, double rollingPct, double weeklyPct,
                            Instant freesAt) {

    public double percent() {
        return Math.max(rollingPct, weeklyPct);
    }

    public boolean warn() {
        return percent() >= quota.warnPct();
    }

    public boolean block() {
        return percent() >= quota.blockPct();
    }

    /** Which window binds: {@code 5h rolling} or {@code weekly}. */
    public String bindingWindow() {
        return weeklyPct > rollingPct ? "weekly" : Windows.label(quota.window()) + " rolling";
    }

    /** {@code zai-plan 85% of its 5h rolling cap (510/600 requests)}. */
    public String describe() {
        boolean weeklyBinds = weeklyPct > rollingPct;
        String detail = weeklyBinds ? quota.weekly().describe(weekly) : quota.rolling().describe(rolling);
        return quota.name() + " at " + Math.round(percent()) + "% of its " + bindingWindow() + " cap (" + detail + ")";
    }
}
