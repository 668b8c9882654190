package dev.ccp.policy.quota;

import java.time.Duration;

/** Window arithmetic at minute resolution, the resolution of {@code quota_usage}. */
public final class Windows {
    private Windows() {
    }

    /**
     * The first minute (epoch seconds) inside a window of {@code length} ending at {@code nowSeconds}: a use
     * counts from its minute until the window has passed the end of that minute.
     */
    public static long start(long nowSeconds, Duration length) {
        return Math.floorDiv(nowSeconds - length.toSeconds(), 60) * 60;
    }

    /** When a use in {@code minute} leaves a window of {@code length}. */
    public static long leaves(long minute, Duration length) {
        return minute + 60 + length.toSeconds();
    }

    /** {@code 5h}, {@code 90m}, {@code 7d}. */
    public static String label(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
