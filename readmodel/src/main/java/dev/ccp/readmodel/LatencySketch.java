package dev.ccp.readmodel;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.PackedHistogram;

import java.io.ByteArrayOutputStream;

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

    private final AbstractHistogram histogram = new PackedHistogram(SIGNIFICANT_DIGITS);

    public void add(long micros) {
        histogram.recordValue(Math.max(0, micros));
    }

    void add(long micros, long count) {
        histogram.recordValueWithCount(Math.max(0, micros), count);
    }

    public void merge(LatencySketch other) {
        histogram.add(other.histogram);
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        long previous = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            long lowest = histogram.lowestEquivalentValue(v.getValueIteratedTo());
            writeVarint(out, lowest - previous);
            writeVarint(out, v.getCountAtValueIteratedTo());
            previous = lowest;
        }
        return out.toByteArray();
    }

    /** Reads bytes written by {@link #toBytes()} or by the earlier sketch; null reads as empty. */
    public static LatencySketch fromBytes(byte[] bytes) {
        LatencySketch sketch = new LatencySketch();
        if (bytes == null || bytes.length == 0) {
            return sketch;
        }
        if (!hasHeader(bytes)) {
            LegacySketchBytes.read(bytes, sketch);
            return sketch;
        }
        int[] pos = {HEADER.length};
        long value = 0;
        while (pos[0] < bytes.length) {
            value += readVarint(bytes, pos);
            sketch.add(value, readVarint(bytes, pos));
        }
        return sketch;
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

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
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
