package dev.ccp.policy.price;

/**
 * What one token of each kind costs, in pico-dollars per token (= micro-dollars per million tokens).
 *
 * @param cacheWrite5m a token written to the 5-minute prompt cache
 * @param cacheWrite1h a token written to the 1-hour prompt cache
 * @param cacheRead    a token read from the prompt cache
 */
public record Rates(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) {
    /** The cost in pico-dollars of these tokens at these rates. */
    public long cost(TokenUsage u) {
        long c = Math.multiplyExact(u.inputTokens(), input);
        c = Math.addExact(c, Math.multiplyExact(u.outputTokens(), output));
        c = Math.addExact(c, Math.multiplyExact(u.cacheWrite5mTokens(), cacheWrite5m));
        c = Math.addExact(c, Math.multiplyExact(u.cacheWrite1hTokens(), cacheWrite1h));
        return Math.addExact(c, Math.multiplyExact(u.cacheReadTokens(), cacheRead));
    }

    /** Every rate multiplied by {@code factor} (for what-if tables and tests). */
    public Rates times(long factor) {
        return new Rates(Math.multiplyExact(input, factor), Math.multiplyExact(output, factor),
                Math.multiplyExact(cacheWrite5m, factor), Math.multiplyExact(cacheWrite1h, factor),
                Math.multiplyExact(cacheRead, factor));
    }
}
