package dev.ccp.readmodel.dashboard;

import dev.ccp.readmodel.LatencySketch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds rollup rows and samples into a dashboard {@link Overview}: sums per (bucket, lane), with
 * mergeable latency sketches for the percentiles, decisions and limit answers per bucket.
 */
final class OverviewFolding {
    final Range range;
    final String defaultLane;
    final Map<Long, Map<String, Acc>> lanes = new TreeMap<>();
    final Map<Long, Map<String, Long>> decisions = new TreeMap<>();
    final Map<Long, Map<String, Long>> limits = new TreeMap<>();
    Long oldestRollup;

    OverviewFolding(Range range, String defaultLane) {
        this.range = range;
        this.defaultLane = defaultLane;
    }

    Acc acc(long tsS, String lane) {
        return lanes.computeIfAbsent(range.bucketOf(tsS), k -> new TreeMap<>())
                .computeIfAbsent(lane == null ? "unknown" : lane, k -> new Acc());
    }

    void addRollup(long startS, String lane, long count, long errors, long in, long out, long cw, long cr,
                   LatencySketch latency) {
        oldestRollup = oldestRollup == null ? startS : Math.min(oldestRollup, startS);
        Acc a = acc(startS, lane);
        a.requests += count;
        a.errors += errors;
        a.in += in;
        a.out += out;
        a.cw += cw;
        a.cr += cr;
        a.latency.merge(latency);
    }

    /** @param counted false when the rollups already counted it (only its per-request detail is added) */
    void addSample(FinishedSample s, boolean counted) {
        long tsS = Math.floorDiv(s.tsUs(), 1_000_000L);
        Acc a = acc(tsS, s.lane());
        if (counted) {
            a.requests++;
            if (s.isError()) {
                a.errors++;
            }
            a.in += s.inputTokens();
            a.out += s.outputTokens();
            a.cw += s.cacheCreationInputTokens();
            a.cr += s.cacheReadInputTokens();
            a.latency.add(Math.round(s.latencyMs() * 1000));
        }
        if (s.ttfbMs() != null) {
            a.ttfb.add(Math.round(s.ttfbMs() * 1000));
        }
        long bucket = range.bucketOf(tsS);
        decisions.computeIfAbsent(bucket, k -> new TreeMap<>())
                .merge(s.decision() == null ? "unknown" : s.decision(), 1L, Long::sum);
        if (s.status() == 401) {
            limit(tsS, "401");
        }
    }

    void limit(long tsS, String kind) {
        limits.computeIfAbsent(range.bucketOf(tsS), k -> new TreeMap<>()).merge(kind, 1L, Long::sum);
    }

    Overview overview(long fromS, long toS, Long detailFrom, Freshness fresh) {
        List<LaneBucket> out = new ArrayList<>();
        long requests = 0;
        long errors = 0;
        long in = 0;
        long outTokens = 0;
        long cw = 0;
        long cr = 0;
        long offloaded = 0;
        Map<String, Acc> whole = new TreeMap<>();
        for (var bucket : lanes.entrySet()) {
            for (var lane : bucket.getValue().entrySet()) {
                Acc a = lane.getValue();
                whole.computeIfAbsent(lane.getKey(), k -> new Acc()).add(a);
                out.add(new LaneBucket(bucket.getKey(), lane.getKey(), a.requests, a.errors, a.in, a.out, a.cw, a.cr,
                        ms(a.latency, 0.50), ms(a.latency, 0.95), ms(a.ttfb, 0.50), ms(a.ttfb, 0.95)));
                requests += a.requests;
                errors += a.errors;
                in += a.in;
                outTokens += a.out;
                cw += a.cw;
                cr += a.cr;
                if (defaultLane != null && !defaultLane.equals(lane.getKey()) && !"unknown".equals(lane.getKey())) {
                    offloaded += a.requests;
                }
            }
        }
        List<LaneBucket> totals = new ArrayList<>();
        for (var lane : whole.entrySet()) {
            Acc a = lane.getValue();
            totals.add(new LaneBucket(fromS, lane.getKey(), a.requests, a.errors, a.in, a.out, a.cw, a.cr,
                    ms(a.latency, 0.50), ms(a.latency, 0.95), ms(a.ttfb, 0.50), ms(a.ttfb, 0.95)));
        }
        return new Overview(range, fromS, toS, out, totals, decisions, limits,
                new Overview.Totals(requests, errors, in, outTokens, cw, cr, offloaded), detailFrom, fresh);
    }

    private static Double ms(LatencySketch s, double q) {
        return s.count() == 0 ? null : s.percentile(q) / 1000.0;
    }

    private static final class Acc {
        long requests;
        long errors;
        long in;
        long out;
        long cw;
        long cr;
        final LatencySketch latency = new LatencySketch();
        final LatencySketch ttfb = new LatencySketch();

        void add(Acc o) {
            requests += o.requests;
            errors += o.errors;
            in += o.in;
            out += o.out;
            cw += o.cw;
            cr += o.cr;
            latency.merge(o.latency);
            ttfb.merge(o.ttfb);
        }
    }
}
