package dev.ccp.readmodel;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.PackedHistogram;


/**
 * A mergeable latency histogram in microseconds: an HdrHistogram with three significant digits (values
 * below 2048 µs kept exactly, larger ones within 0.05 %). Counts only add, so the result does not depend
 * on batching, publication timing or retention. The packed form keeps the heap proportional to the
 * buckets in use, since a scoreboard holds two per group.
 *
 * <p>Its bytes (rollup {@code latency_sketch} blobs, the metrics checkpoint) are written here rather than
 * with HdrHistogram's own encoding: that one carries the array length an auto-resizing histogram happened
 * to reach and is deflated, so equal histograms merged in another order, or on another zlib, could differ.
 * The bytes here are a header then (value delta, count) varint pairs, one per bucket in use, ascending, so
 * equal histograms give equal bytes and a replay gives the same blobs. Blobs from the earlier hand-written
 * sketch ({@link LegacySketchBytes}) still read: they lack the header, which no such blob can start with.
 */
public final class LatencySketch {
    /** Significant decimal digits kept: 3 gives 2048 sub-buckets per power of two. */
    public static final int SIGNIFICANT_DIGITS = 3;
    /**
     * {@code 0x80 0x00} is a varint with a redundant empty continuation, which the earlier writer never
     * produced, so it marks this format unambiguously; the third byte is the format's version.
     */
    private static final byte[] HEADER = {(byte) 0x80, 0x00, 0x01};

    /**
     * Values a sketch holds before it trades the packed counts for a plain array. Recording into the
     * packed form walks an index of several levels per value and reading it back (percentiles, bytes)
     * walks it per bucket, several times the cost of the plain form, which pays for its 100–200 KB (an
     * array up to the largest value) only once it holds this many values; so a plain array never costs
     * more than about 200 bytes per value held, and the many small sketches of a read stay packed.
     */
    static final long PLAIN_FROM = 1_024;

    private AbstractHistogram histogram = new PackedHistogram(SIGNIFICANT_DIGITS);
    private boolean plain;

    /**
     * A sketch that will take many values one by one (a running total): plain from the start, so its
     * first thousand values, and its bytes and percentiles while they are few, cost no packed walks.
     */
    public static LatencySketch plain() {
        LatencySketch s = new LatencySketch();
        s.toPlain();
        return s;
    }

    public void add(long micros) {
        histogram.recordValue(Math.max(0, micros));
        if (!plain && histogram.getTotalCount() >= PLAIN_FROM) {
            toPlain();
        }
    }

    void add(long micros, long count) {
        histogram.recordValueWithCount(Math.max(0, micros), count);
    }

    public void merge(LatencySketch other) {
        if (!plain && histogram.getTotalCount() + other.count() >= PLAIN_FROM) {
            toPlain();
        }
        histogram.add(other.histogram);
    }

    /** Adds the values of bytes written by {@link #toBytes()} (or the earlier sketch), as {@link #merge} of {@link #fromBytes} would. */
    public void addBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return;
        }
        if (!hasHeader(bytes)) {
            LegacySketchBytes.read(bytes, this);
            return;
        }
        // (value, count) pairs first: whether the sum reaches the plain form decides where they go.
        long[] pairs = new long[16];
        int n = 0;
        long total = 0;
        int[] pos = {HEADER.length};
        long value = 0;
        while (pos[0] < bytes.length) {
            value += readVarint(bytes, pos);
            long count = readVarint(bytes, pos);
            if (n + 2 > pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[n++] = value;
            pairs[n++] = count;
            total += count;
        }
        if (!plain && histogram.getTotalCount() + total >= PLAIN_FROM) {
            toPlain();
        }
        for (int i = 0; i < n; i += 2) {
            add(pairs[i], pairs[i + 1]);
        }
    }

    /** Adds {@code values[0..n)}: in one step, so a sketch that will hold many of them starts in the plain form. */
    public void addAll(long[] values, int n) {
        if (!plain && histogram.getTotalCount() + n >= PLAIN_FROM) {
            toPlain();
        }
        for (int i = 0; i < n; i++) {
            histogram.recordValue(Math.max(0, values[i]));
        }
    }

    /** Same buckets, same counts: only the storage changes, so bytes and percentiles stay what they were. */
    private void toPlain() {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        h.add(histogram);
        histogram = h;
        plain = true;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * Nearest-rank percentile in microseconds (the highest value equivalent to the one at rank ceil(q·n),
     * HdrHistogram's {@code getValueAtPercentile}), or -1 when empty.
     */
    public long percentile(double q) {
        return count() == 0 ? -1 : histogram.getValueAtPercentile(q * 100.0);
    }

    /** Canonical bytes: the header, then (lowest value of the bucket − previous one, count) varints, ascending. */
    public byte[] toBytes() {
        VarintWriter out = new VarintWriter();
        out.bytes = HEADER.clone();
        out.size = HEADER.length;
        long previous = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            long lowest = histogram.lowestEquivalentValue(v.getValueIteratedTo());
            out.write(lowest - previous);
            out.write(v.getCountAtValueIteratedTo());
            previous = lowest;
        }
        return java.util.Arrays.copyOf(out.bytes, out.size);
    }

    /** Reads bytes written by {@link #toBytes()} or by the earlier sketch; null reads as empty. */
    public static LatencySketch fromBytes(byte[] bytes) {
        LatencySketch sketch = new LatencySketch();
        if (bytes == null || bytes.length == 0) {
            return sketch;
        }
        read(bytes, sketch);
        return sketch;
    }

    private static void read(byte[] bytes, LatencySketch into) {
        if (!hasHeader(bytes)) {
            LegacySketchBytes.read(bytes, into);
            return;
        }
        int[] pos = {HEADER.length};
        long value = 0;
        while (pos[0] < bytes.length) {
            value += readVarint(bytes, pos);
            into.add(value, readVarint(bytes, pos));
        }
    }

    private static boolean hasHeader(byte[] bytes) {
        if (bytes.length < HEADER.length) {
            return false;
        }
        for (int i = 0; i < HEADER.length; i++) {
            if (bytes[i] != HEADER[i]) {
                return false;
            }
        }
        return true;
    }

    /** Unsynchronised, unlike ByteArrayOutputStream: the bytes of every sketch are written at every checkpoint. */
    private static final class VarintWriter {
        byte[] bytes;
        int size;

        void write(long v) {
            if (size + 10 > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(64, bytes.length * 2));
            }
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }
    }

    static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            if (pos[0] >= b.length) {
                throw new IllegalArgumentException("latency sketch bytes end inside a number");
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
