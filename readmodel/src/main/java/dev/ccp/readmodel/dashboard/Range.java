package dev.ccp.readmodel.dashboard;

import java.util.Arrays;
import java.util.Optional;

/**
 * The time ranges the dashboard offers: the last hour by minute, the last day by hour, the last 30
 * days by day. A range ends with the bucket that holds "now" and starts {@code buckets - 1} buckets
 * before it, so its first bucket is whole and every bucket is aligned to UTC.
 */
public enum Range {
    HOUR("hour", 60, 60),
    DAY("day", 3_600, 24),
    MONTH("30d", 86_400, 30);

    private final String param;
    private final long bucketSeconds;
    private final int buckets;

    Range(String param, long bucketSeconds, int buckets) {
        this.param = param;
        this.bucketSeconds = bucketSeconds;
        this.buckets = buckets;
    }

    /** The name in {@code ?range=}: {@code hour}, {@code day} or {@code 30d}. */
    public String param() {
        return param;
    }

    public long bucketSeconds() {
        return bucketSeconds;
    }

    public int buckets() {
        return buckets;
    }

    /** Epoch second of the first bucket's start when the clock reads {@code nowS}. */
    public long fromS(long nowS) {
        return bucketOf(nowS) - (buckets - 1) * bucketSeconds;
    }

    /** Epoch second where the last bucket ends (after {@code nowS}). */
    public long toS(long nowS) {
        return bucketOf(nowS) + bucketSeconds;
    }

    public long bucketOf(long epochS) {
        return Math.floorDiv(epochS, bucketSeconds) * bucketSeconds;
    }

    public static Optional<Range> parse(String s) {
        return Arrays.stream(values()).filter(r -> r.param.equals(s)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Range::param).toList());
    }
}
