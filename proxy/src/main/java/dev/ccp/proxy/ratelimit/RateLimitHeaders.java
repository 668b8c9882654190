package dev.ccp.proxy.ratelimit;

import dev.ccp.events.RateLimits;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a provider answer's {@code anthropic-ratelimit-*} headers into {@link RateLimits}: a pure
 * function of the header names and values. A known header whose value cannot be read (a utilisation
 * that is not a number, a reset that is not a time) is left out and counted in
 * {@link RateLimits#malformed()}; headers of the family this build does not know are ignored.
 * Resets come as epoch seconds (the unified windows) or RFC 3339 times (the API limits); both are
 * kept as epoch seconds.
 */
public final class RateLimitHeaders {
    public static final String PREFIX = "anthropic-ratelimit-";
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private RateLimitHeaders() {
    }

    /**
     * @param headers the answer's headers, name to first value (names in any case)
     * @return null when none of the family's headers is present
     */
    public static RateLimits parse(Iterable<Map.Entry<String, String>> headers) {
        Map<String, String> v = new HashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(PREFIX)) {
                v.putIfAbsent(name.substring(PREFIX.length()), h.getValue() == null ? "" : h.getValue().strip());
            }
        }
        if (v.isEmpty()) {
            return null;
        }
        Reader r = new Reader(v);
        RateLimits out = new RateLimits(
                r.word("unified-status"), r.time("unified-reset"), r.word("unified-representative-claim"),
                r.window("unified-5h"), r.window("unified-7d"),
                r.limit("requests"), r.limit("tokens"), r.limit("input-tokens"), r.limit("output-tokens"),
                0);
        if (out.noValues() && r.malformed == 0) {
            return null;
        }
        return new RateLimits(out.status(), out.resetS(), out.representativeClaim(), out.fiveHour(), out.sevenDay(),
                out.requests(), out.tokens(), out.inputTokens(), out.outputTokens(), r.malformed);
    }

    private static final class Reader {
        final Map<String, String> values;
        int malformed;

        Reader(Map<String, String> values) {
            this.values = values;
        }

        String word(String key) {
            String s = values.get(key);
            if (s == null) {
                return null;
            }
            if (!WORD.matcher(s).matches()) {
                malformed++;
                return null;
            }
            return s.toLowerCase(Locale.ROOT);
        }

        Long time(String key) {
            String s = values.get(key);
            if (s == null) {
                return null;
            }
            try {
                if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
                    return Long.parseLong(s);
                }
                return OffsetDateTime.parse(s).toInstant().getEpochSecond();
            } catch (NumberFormatException | DateTimeParseException e) {
                try {
                    return Instant.parse(s).getEpochSecond();
                } catch (DateTimeParseException e2) {
                    malformed++;
                    return null;
                }
            }
        }

        Long count(String key) {
            String s = values.get(key);
            if (s == null) {
                return null;
            }
            try {
                long n = Long.parseLong(s);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // counted below
            }
            malformed++;
            return null;
        }

        Double share(String key) {
            String s = values.get(key);
            if (s == null) {
                return null;
            }
            try {
                BigDecimal d = new BigDecimal(s);
                if (d.signum() >= 0 && d.compareTo(BigDecimal.valueOf(1000)) < 0) {
                    return d.doubleValue();
                }
            } catch (NumberFormatException ignored) {
                // counted below
            }
            malformed++;
            return null;
        }

        RateLimits.Window window(String prefix) {
            String status = word(prefix + "-status");
            Double utilization = share(prefix + "-utilization");
            Long reset = time(prefix + "-reset");
            return status == null && utilization == null && reset == null ? null : new RateLimits.Window(status, utilization, reset);
        }

        RateLimits.Limit limit(String prefix) {
            Long limit = count(prefix + "-limit");
            Long remaining = count(prefix + "-remaining");
            Long reset = time(prefix + "-reset");
            return limit == null && remaining == null && reset == null ? null : new RateLimits.Limit(limit, remaining, reset);
        }
    }
}
