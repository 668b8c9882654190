package dev.ccp.events;

import java.time.Duration;
import java.util.Map;

/** Go-style durations as the operator guide writes them: {@code 45s}, {@code 1m30s}, {@code 500ms}, {@code 1.5h}. */
public final class Durations {
    private static final Map<String, Long> NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L,
            "d", 86_400_000_000_000L);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        double totalNanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw invalid(text);
            }
            double number;
            try {
                number = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            Long unit = NANOS.get(s.substring(unitStart, i));
            if (unit == null) {
                throw invalid(text);
            }
            totalNanos += number * unit;
        }
        return Duration.ofNanos(Math.round(totalNanos));
    }

    /** The variable's value as a duration, or {@code fallback} when unset. */
    public static Duration fromEnv(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a duration (examples: 45s, 1m30s, 500ms)");
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not a duration: '" + text + "' (examples: 45s, 1m30s, 500ms)");
    }
}
