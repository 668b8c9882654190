package dev.ccp.events;

/**
 * The rate-limit standing a provider reported with one answer: Anthropic's
 * {@code anthropic-ratelimit-unified-*} windows (the 5-hour and 7-day windows of a Claude plan) and its
 * per-minute API limits ({@code anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-*}).
 * Values only, never a credential. Each part is null when the answer did not carry it.
 *
 * @param status               {@code anthropic-ratelimit-unified-status} ({@code allowed}, {@code allowed_warning}, {@code rejected})
 * @param resetS               {@code anthropic-ratelimit-unified-reset}, epoch seconds
 * @param representativeClaim  {@code anthropic-ratelimit-unified-representative-claim}: the window that binds ({@code five_hour}, {@code seven_day}, …)
 * @param malformed            headers of this family whose value could not be read (ignored, counted)
 */
public record RateLimits(String status, Long resetS, String representativeClaim,
                         Window fiveHour, Window sevenDay,
                         Limit requests, Limit tokens, Limit inputTokens, Limit outputTokens,
                         int malformed) {

    /** One of the plan's windows. {@code utilization} is the used share, 0 to 1 (above 1 when over). */
    public record Window(String status, Double utilization, Long resetS) {
    }

    /** A per-minute API limit: the limit, what remains, and when it is full again (epoch seconds). */
    public record Limit(Long limit, Long remaining, Long resetS) {
    }

    /** True when no value was read (whatever was malformed). */
    public boolean noValues() {
        return status == null && resetS == null && representativeClaim == null && fiveHour == null && sevenDay == null
                && requests == null && tokens == null && inputTokens == null && outputTokens == null;
    }
}
