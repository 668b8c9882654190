package dev.ccp.readmodel.dashboard;

import java.util.List;
import java.util.Map;

/**
 * Everything the dashboard's panels draw for one range.
 *
 * @param lanes       per bucket and lane: requests, errors, tokens, latency and TTFB percentiles
 * @param laneTotals  per lane over the whole range (percentiles of the whole range, not of its buckets)
 * @param decisions   per bucket: finished requests by routing decision
 * @param limits      per bucket: limit answers by kind ({@code 429} and {@code 529} for every upstream
 *                    attempt answered so, {@code 401} for requests answered 401)
 * @param detailFromS where per-request detail (decisions, limit answers, TTFB) starts: samples are kept
 *                    {@code CCP_SAMPLE_TTL_DAYS}, so for the 30-day range it can start after {@code fromS};
 *                    null when no sample is in the range
 */
public record Overview(Range range, long fromS, long toS, List<LaneBucket> lanes, List<LaneBucket> laneTotals,
                       Map<Long, Map<String, Long>> decisions, Map<Long, Map<String, Long>> limits,
                       Totals totals, Long detailFromS, Freshness freshness) {

    /** Sums over the range; {@code offloaded} counts requests served by another lane than the default one. */
    public record Totals(long requests, long errors, long inputTokens, long outputTokens,
                         long cacheCreationInputTokens, long cacheReadInputTokens, long offloaded) {
    }
}
