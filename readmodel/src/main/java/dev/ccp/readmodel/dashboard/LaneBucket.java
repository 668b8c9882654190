package dev.ccp.readmodel.dashboard;

/**
 * One bucket of one lane: finished requests, errors, tokens, and latency and time-to-first-byte
 * percentiles in milliseconds (null when the bucket has none to rank).
 */
public record LaneBucket(long startS, String lane, long requests, long errors, long inputTokens, long outputTokens,
                         long cacheCreationInputTokens, long cacheReadInputTokens,
                         Double latencyP50Ms, Double latencyP95Ms, Double ttfbP50Ms, Double ttfbP95Ms) {
}
