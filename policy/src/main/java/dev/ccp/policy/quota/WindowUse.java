package dev.ccp.policy.quota;

/**
 * What a quota's scope used in one window, summed from the projector's per-minute {@code quota_usage}.
 *
 * @param inputTokens input, cache creation and cache read tokens
 * @param firstMinute epoch seconds of the oldest minute with use in the window, or -1 when none
 */
public record WindowUse(long requests, long inputTokens, long outputTokens, long firstMinute) {
    public static final WindowUse ZERO = new WindowUse(0, 0, 0, -1);

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public WindowUse plus(WindowUse o) {
        long first = firstMinute < 0 ? o.firstMinute : o.firstMinute < 0 ? firstMinute : Math.min(firstMinute, o.firstMinute);
        return new WindowUse(requests + o.requests, inputTokens + o.inputTokens, outputTokens + o.outputTokens, first);
    }

    public WindowUse minus(WindowUse o) {
        return new WindowUse(requests - o.requests, inputTokens - o.inputTokens, outputTokens - o.outputTokens, firstMinute);
    }
}
