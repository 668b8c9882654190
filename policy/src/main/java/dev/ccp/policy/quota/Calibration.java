package dev.ccp.policy.quota;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The warn level learned from where past limit answers (429/529) actually happened. For each limit
 * answer in the quota's scope, the quota's use of its window at that moment, as a percentage of the
 * cap, is one sample; and the time from the window's oldest counted use to the answer is its gap
 * (how far into a window the limit bit). {@code warnAutoPct} is 90% of the lowest decile of those
 * percentages, so a warning comes before most limits did; confidence grows with the samples (1.0 at 10).
 *
 * @param warnAutoPct null without samples
 * @param gapP50      seconds, null without samples
 */
public record Calibration(Double warnAutoPct, double confidence, Double gapP50, Double gapP95, int samples) {
    public static final Calibration NONE = new Calibration(null, 0, null, null, 0);
    /** How far back limit answers are taken into account. */
    public static final Duration LOOKBACK = Duration.ofDays(28);

    /** A limit answer: when, on which lane, for which client model. */
    public record LimitHit(Instant at, String lane, String model) {
    }

    public static Calibration of(Quota q, List<LimitHit> hits, QuotaUsageReader reader) throws SQLException {
        boolean rolling = !q.rolling().isEmpty();
        Duration window = rolling ? q.window() : Quota.WEEK;
        Limits caps = rolling ? q.rolling() : q.weekly();
        List<Double> pcts = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        for (LimitHit h : hits) {
            if (!q.covers(h.lane(), h.model())) {
                continue;
            }
            WindowUse use = reader.use(q, h.at(), window);
            double pct = caps.percentOf(use);
            if (pct <= 0) {
                continue;
            }
            pcts.add(pct);
            if (use.firstMinute() >= 0) {
                gaps.add((double) Math.max(0, h.at().getEpochSecond() - use.firstMinute()));
            }
        }
        if (pcts.isEmpty()) {
            return NONE;
        }
        Collections.sort(pcts);
        Collections.sort(gaps);
        double auto = Math.round(0.9 * nearestRank(pcts, 0.10) * 10) / 10.0;
        return new Calibration(auto, Math.min(1.0, pcts.size() / 10.0),
                gaps.isEmpty() ? null : nearestRank(gaps, 0.50), gaps.isEmpty() ? null : nearestRank(gaps, 0.95), pcts.size());
    }

    static double nearestRank(List<Double> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
