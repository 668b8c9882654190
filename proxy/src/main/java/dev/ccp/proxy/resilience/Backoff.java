package dev.ccp.proxy.resilience;

import dev.ccp.events.Durations;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Retrying the same provider after a limit answer, before rerouting ({@code MITM_ENABLE_BACKOFF=1}).
 *
 * @param retries  at most this many retries of the preferred provider (CCP_BACKOFF_RETRIES, default 2)
 * @param base     the first computed wait; doubled each retry, with jitter (CCP_BACKOFF_BASE, default 500ms)
 * @param maxDelay no single wait is longer: a computed one is cut to it, and a retry-after beyond it
 *                 is not waited for at all — the request moves on at once (CCP_BACKOFF_MAX_DELAY, default 10s)
 */
public record Backoff(boolean enabled, int retries, Duration base, Duration maxDelay) {
    public static final Backoff OFF = new Backoff(false, 0, Duration.ZERO, Duration.ZERO);

    /** @throws IllegalArgumentException naming the variable when a value is wrong */
    public static Backoff fromEnv(Map<String, String> env) {
        boolean on = dev.ccp.events.Flags.fromEnv(env, "MITM_ENABLE_BACKOFF");
        int retries = 2;
        String r = env.get("CCP_BACKOFF_RETRIES");
        if (r != null && !r.isBlank()) {
            try {
                retries = Integer.parseInt(r.trim());
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (retries < 0 || retries > 10) {
                throw new IllegalArgumentException("CCP_BACKOFF_RETRIES=" + r + " must be a whole number from 0 to 10");
            }
        }
        return new Backoff(on, retries, Durations.fromEnv(env, "CCP_BACKOFF_BASE", Duration.ofMillis(500)),
                Durations.fromEnv(env, "CCP_BACKOFF_MAX_DELAY", Duration.ofSeconds(10)));
    }

    /**
     * The wait before retry number {@code retry} (1-based): the provider's retry-after when it gave
     * one, else {@code base·2^(retry-1)} scaled by a random factor in [0.5, 1), cut to maxDelay.
     * Null when retry-after asks for longer than maxDelay (do not wait that long).
     */
    public Duration delay(int retry, Duration retryAfter, RandomGenerator random) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxDelay) > 0 ? null : retryAfter;
        }
        long nanos = base.toNanos() << Math.min(20, retry - 1);
        long jittered = (long) (nanos * (0.5 + 0.5 * random.nextDouble()));
        return Duration.ofNanos(Math.min(jittered, maxDelay.toNanos()));
    }
}
