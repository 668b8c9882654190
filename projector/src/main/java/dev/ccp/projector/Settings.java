package dev.ccp.projector;

import dev.ccp.events.Durations;

import java.time.Duration;
import java.util.Map;

/**
 * How the projector runs. Only {@code lostAfter} and {@code sampleTtl} change what the projections
 * hold, and only as functions of event time, so replays stay deterministic for given settings.
 *
 * @param sampleTtl      {@code CCP_SAMPLE_TTL_DAYS} (7): samples older than this before the newest event are pruned
 * @param rollupInterval {@code CCP_ROLLUP_INTERVAL} (5m): how often rollups are published while following
 * @param lostAfter      {@code CCP_LOST_AFTER} (1h): an open request this much older (event time) than the
 *                       newest event is closed as {@code proxy_lost}
 * @param batchSize      events per transaction (checkpoint) at most; 0 = 4,096 when following, 262,144 for --once/--rebuild
 */
public record Settings(Duration sampleTtl, Duration rollupInterval, Duration lostAfter, int batchSize) {

    public static final Settings DEFAULTS = new Settings(Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofHours(1), 0);

    public static Settings fromEnvironment() {
        return fromEnv(System.getenv());
    }

    /** @throws IllegalArgumentException with one clear line when a variable is malformed */
    public static Settings fromEnv(Map<String, String> env) {
        Duration ttl = DEFAULTS.sampleTtl();
        String days = env.get("CCP_SAMPLE_TTL_DAYS");
        if (days != null && !days.isBlank()) {
            try {
                double d = Double.parseDouble(days.trim());
                if (d <= 0) {
                    throw new NumberFormatException();
                }
                ttl = Duration.ofSeconds(Math.round(d * 86_400));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CCP_SAMPLE_TTL_DAYS=" + days + " is not a positive number of days");
            }
        }
        Duration interval = Durations.fromEnv(env, "CCP_ROLLUP_INTERVAL", DEFAULTS.rollupInterval());
        Duration lost = Durations.fromEnv(env, "CCP_LOST_AFTER", DEFAULTS.lostAfter());
        if (lost.isZero() || lost.isNegative()) {
            throw new IllegalArgumentException("CCP_LOST_AFTER=" + env.get("CCP_LOST_AFTER")
                    + " must be longer than 0 (for example 1h): it is how long a request may stay open in event time");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("CCP_ROLLUP_INTERVAL must not be negative");
        }
        return new Settings(ttl, interval, lost, DEFAULTS.batchSize());
    }

    public Settings withRollupInterval(Duration d) {
        return new Settings(sampleTtl, d, lostAfter, batchSize);
    }

    public Settings withBatchSize(int n) {
        return new Settings(sampleTtl, rollupInterval, lostAfter, n);
    }
}
