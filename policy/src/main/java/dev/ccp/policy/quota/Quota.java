package dev.ccp.policy.quota;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One quota of the quotas file: a scope (a provider, a model glob, or both) with a rolling window and
 * a weekly (rolling 7-day) cap.
 *
 * @param provider  the lane it counts (requests served by this provider), or null for any
 * @param model     a glob ({@code *}, {@code ?}, case-insensitive) on the client's model, or null for any
 * @param window    the rolling window ({@code 5h})
 * @param warnPct   use at or above this percentage of a cap: warn (metric, header, cc status line)
 * @param blockPct  at or above this: the scope's requests go to the fallback, or are refused with 429
 * @param fallback  the provider that serves blocked requests; null = the provider's entry in
 *                  {@code fallbacks}, else the default provider; {@link #NO_FALLBACK} = refuse
 */
public record Quota(String name, String provider, String model, Duration window, Limits rolling, Limits weekly,
                    double warnPct, double blockPct, String fallback) {
    public static final String NO_FALLBACK = "none";
    public static final Duration WEEK = Duration.ofDays(7);

    /** Whether a request for {@code clientModel} served by {@code lane} counts against this quota. */
    public boolean covers(String lane, String clientModel) {
        if (provider != null && !provider.equals(lane)) {
            return false;
        }
        return model == null || glob(model).matcher(clientModel == null ? "unknown" : clientModel).matches();
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** {@code provider zai}, {@code model claude-opus-*}, or both. */
    public String scope() {
        if (provider != null && model != null) {
            return "provider " + provider + ", model " + model;
        }
        return provider != null ? "provider " + provider : "model " + model;
    }
}
