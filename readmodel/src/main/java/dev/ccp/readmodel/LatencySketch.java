package dev.ccp.readmodel;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A mergeable, deterministic latency histogram (log-linear, like HdrHistogram): values below 256 µs are
 * kept exactly, larger ones in 256 sub-buckets per power of two, so a percentile read from it is within
 * 0.2 % of the exact one. Counts only add, so the result does not depend on batching, publication
 * timing or retention, and the heap it needs is bounded whatever the number of samples.
 */
public final class LatencySketch {
    private static final int SUB_BITS = 8;
    private static final int SUB = 1 << SUB_BITS;

    private long[] counts = new long[0];
    private long total;

    public void add(long micros) {
        addCount(bucketOf(Math.max(0, micros)), 1);
    }

    public void merge(LatencySketch other) {
        for (int i = 0; i < other.counts.length; i++) {
            if (other.counts[i] != 0) {
                addCount(i, other.counts[i]);
            }
        }
    }

    public long count() {
        return total;
    }

    /**
     * Nearest-rank percentile in microseconds (the midpoint of the bucket holding rank ceil(q·n)),
     * or -1 when empty.
     */
    public long percentile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return midpoint(i);
            }
        }
        return midpoint(counts.length - 1);
    }

    public static int bucketOf(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int shift = exp - SUB_BITS;
        int sub = (int) ((v >>> shift) & (SUB - 1));
        return SUB + shift * SUB + sub;
    }

    public static long midpoint(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int shift = (bucket - SUB) / SUB;
        int sub = (bucket - SUB) % SUB;
        long lower = ((long) (SUB + sub)) << shift;
        long width = 1L << shift;
        return lower + width / 2;
    }

    private void addCount(int bucket, long n) {
        if (bucket >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(bucket + 1, Math.min(counts.length * 2, 64 * SUB)));
        }
        counts[bucket] += n;
        total += n;
    }

    /** Canonical bytes: (bucket delta, count) pairs as unsigned varints, buckets ascending. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int previous = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                writeVarint(out, i - previous);
                writeVarint(out, counts[i]);
                previous = i;
            }
        }
        return out.toByteArray();
    }

    public static LatencySketch fromBytes(byte[] bytes) {
        LatencySketch sketch = new LatencySketch();
        if (bytes == null) {
            return sketch;
        }
        int[] pos = {0};
        int bucket = 0;
        while (pos[0] < bytes.length) {
            bucket += (int) readVarint(bytes, pos);
            sketch.addCount(bucket, readVarint(bytes, pos));
        }
        return sketch;
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
