package dev.ccp.readmodel;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencySketchTest {

    @Test
    void percentilesAreWithinTwoTenthsOfAPercentOfTheExactNearestRank() {
        SplittableRandom random = new SplittableRandom(1);
        long[] values = new long[10_001];
        LatencySketch sketch = new LatencySketch();
        for (int i = 0; i < values.length; i++) {
            values[i] = 1 + random.nextLong(120_000_000L);
            sketch.add(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            long approx = sketch.percentile(q);
            assertTrue(Math.abs(approx - exact) <= exact * 0.002, q + ": " + approx + " vs " + exact);
        }
    }

    @Test
    void aBlobOfTheEarlierHandWrittenSketchStillReads() {
        // (bucket delta, count) varints as the earlier sketch wrote them: 100 µs twice, 1 s once.
        byte[] earlier = {100, 2, (byte) 0x84, 0x19, 1};
        LatencySketch sketch = LatencySketch.fromBytes(earlier);
        assertEquals(3, sketch.count());
        assertEquals(100, sketch.percentile(0.5));
        assertTrue(Math.abs(sketch.percentile(1.0) - 1_000_000) <= 1_000_000 * 0.002, "p100 " + sketch.percentile(1.0));
        assertEquals((byte) 0x80, sketch.toBytes()[0], "rewritten in the current format");
    }

    @Test
    void theBytesDependOnlyOnTheCountsNotOnTheOrderValuesCameIn() {
        LatencySketch growing = new LatencySketch();
        LatencySketch shrinking = new LatencySketch();
        for (long v = 1; v <= 1_000; v++) {
            growing.add(v * 40_000);
            shrinking.add((1_001 - v) * 40_000);
        }
        assertArrayEquals(growing.toBytes(), shrinking.toBytes());
        assertArrayEquals(new byte[] {(byte) 0x80, 0x00, 0x01}, new LatencySketch().toBytes());
        assertEquals(0, LatencySketch.fromBytes(null).count());
    }

    @Test
    void smallValuesAreExactAndAnEmptySketchHasNoPercentile() {
        LatencySketch sketch = new LatencySketch();
        assertEquals(-1, sketch.percentile(0.5));
        for (long v = 1; v <= 100; v++) {
            sketch.add(v);
        }
        assertEquals(50, sketch.percentile(0.5));
        assertEquals(95, sketch.percentile(0.95));
    }

    @Test
    void mergingInAnyOrderAndRoundTrippingGiveTheSameBytes() {
        LatencySketch a = new LatencySketch();
        LatencySketch b = new LatencySketch();
        LatencySketch all = new LatencySketch();
        for (long v = 0; v < 5_000; v++) {
            long x = v * v * 37 % 9_999_991;
            (v % 2 == 0 ? a : b).add(x);
            all.add(x);
        }
        LatencySketch ab = new LatencySketch();
        ab.merge(a);
        ab.merge(b);
        LatencySketch ba = new LatencySketch();
        ba.merge(b);
        ba.merge(a);
        assertArrayEquals(all.toBytes(), ab.toBytes());
        assertArrayEquals(all.toBytes(), ba.toBytes());
        assertArrayEquals(all.toBytes(), LatencySketch.fromBytes(all.toBytes()).toBytes());
        assertEquals(all.percentile(0.95), LatencySketch.fromBytes(all.toBytes()).percentile(0.95));
    }

    @Test
    void aSketchThatOutgrowsThePackedFormGivesTheBytesAndPercentilesOfOneThatStayedPacked() {
        SplittableRandom random = new SplittableRandom(7);
        LatencySketch big = new LatencySketch();
        LatencySketch[] smalls = new LatencySketch[8];
        for (int i = 0; i < smalls.length; i++) {
            smalls[i] = new LatencySketch();
        }
        int n = (int) LatencySketch.PLAIN_FROM * 4;
        for (int i = 0; i < n; i++) {
            long v = 1 + random.nextLong(3_600_000_000L >> random.nextInt(20));
            big.add(v);
            smalls[i % smalls.length].add(v);
        }
        // Each small one stays under the threshold, so it is packed; merged, they pass it.
        LatencySketch merged = new LatencySketch();
        LatencySketch fromBlobs = new LatencySketch();
        for (LatencySketch s : smalls) {
            assertTrue(s.count() < LatencySketch.PLAIN_FROM);
            merged.merge(s);
            fromBlobs.addBytes(s.toBytes());
        }
        byte[] expected = LatencySketch.fromBytes(big.toBytes()).toBytes();
        assertArrayEquals(expected, big.toBytes());
        assertArrayEquals(expected, merged.toBytes());
        assertArrayEquals(expected, fromBlobs.toBytes());
        for (double q : new double[] {0.0, 0.5, 0.95, 0.999, 1.0}) {
            long packed = LatencySketch.fromBytes(big.toBytes()).percentile(q);
            assertEquals(packed, big.percentile(q), "p" + q);
            assertEquals(packed, merged.percentile(q), "p" + q);
            assertEquals(packed, fromBlobs.percentile(q), "p" + q);
        }
        LatencySketch legacy = new LatencySketch();
        legacy.addBytes(new byte[] {100, 2, (byte) 0x84, 0x19, 1});
        assertArrayEquals(LatencySketch.fromBytes(new byte[] {100, 2, (byte) 0x84, 0x19, 1}).toBytes(), legacy.toBytes());
    }
}
