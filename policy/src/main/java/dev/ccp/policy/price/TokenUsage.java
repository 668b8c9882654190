package dev.ccp.policy.price;

/**
 * The tokens one request was billed for, as the provider reported them.
 *
 * @param cacheCreationTokens every token written to the prompt cache
 * @param cacheWrite1hTokens  the part of those written to the 1-hour cache (0 when the provider did not split them)
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheCreationTokens, long cacheWrite1hTokens,
                         long cacheReadTokens) {
    /** Requests whose whole prompt (input, cache writes and cache reads) is above this use a model's higher tier. */
    public static final long LONG_CONTEXT_THRESHOLD = 200_000;

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || cacheCreationTokens < 0 || cacheWrite1hTokens < 0 || cacheReadTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
        cacheWrite1hTokens = Math.min(cacheWrite1hTokens, cacheCreationTokens);
    }

    public static TokenUsage of(long input, long output, long cacheCreation, long cacheRead) {
        return new TokenUsage(input, output, cacheCreation, 0, cacheRead);
    }

    public long cacheWrite5mTokens() {
        return cacheCreationTokens - cacheWrite1hTokens;
    }

    /** Every prompt token, cached or not: what the long-context tier is decided on. */
    public long promptTokens() {
        return inputTokens + cacheCreationTokens + cacheReadTokens;
    }

    public boolean isEmpty() {
        return inputTokens == 0 && outputTokens == 0 && cacheCreationTokens == 0 && cacheReadTokens == 0;
    }
}
