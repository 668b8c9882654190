package dev.ccp.readmodel;

/**
 * Reads the blobs of the hand-written log-linear sketch that came before HdrHistogram (values below
 * 256 µs exact, then 256 sub-buckets per power of two; (bucket delta, count) varint pairs), so a read
 * model or a metrics checkpoint written by an earlier build still reads without a rebuild. Each bucket's
 * count is recorded at the bucket's midpoint, the value the earlier sketch reported for it; a rollup row
 * is rewritten in the current format the next time a sample is folded into it, and {@code --rebuild}
 * rewrites them all.
 */
final class LegacySketchBytes {
    private static final int SUB_BITS = 8;
    private static final int SUB = 1 << SUB_BITS;

    private LegacySketchBytes() {
    }

    static void read(byte[] bytes, LatencySketch into) {
        int[] pos = {0};
        long bucket = 0;
        while (pos[0] < bytes.length) {
            bucket += LatencySketch.readVarint(bytes, pos);
            into.add(midpoint(bucket), LatencySketch.readVarint(bytes, pos));
        }
    }

    static long midpoint(long bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        long shift = (bucket - SUB) / SUB;
        long sub = (bucket - SUB) % SUB;
        return ((SUB + sub) << shift) + (1L << shift) / 2;
    }
}
