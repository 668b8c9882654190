package dev.ccp.projector.sqlite;

import dev.ccp.projector.projection.FinishedRequest;
import dev.ccp.readmodel.LatencySketch;
import dev.ccp.readmodel.RollupKey;
import dev.ccp.readmodel.Tables;
import dev.ccp.readmodel.Writes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds samples into the hourly and daily rollups. Every column only adds (counts, tokens, errors, the
 * requests' cost, list cost and savings in pico-dollars with the unpriced ones counted, and a
 * {@link LatencySketch} for the percentiles), so the rollups are the same whenever and in however
 * many steps they are published, and whether or not retention has pruned the samples already folded.
 */
public final class Rollups {
    public static final String HOUR = Tables.ROLLUP_HOUR;
    public static final String DAY = Tables.ROLLUP_DAY;

    private Rollups() {
    }

    /** Folds the samples with {@code after < idx <= upTo}, read back from the table; returns the rollup rows written. */
    public static long fold(Connection db, long after, long upTo) throws SQLException {
        Folding f = new Folding();
        try (PreparedStatement ps = Writes.samplesToFold(db)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(4);
                    String outcome = rs.getString(5);
                    String provider = rs.getString(11);
                    Long cost = picos(rs, 12);
                    Long listCost = picos(rs, 13);
                    f.add(rs.getLong(1), rs.getString(2), rs.getString(3),
                            status >= 400 || !("ok".equals(outcome) || "client_abort".equals(outcome)),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), Math.round(rs.getDouble(10) * 1000),
                            new Money(cost, listCost, FinishedRequest.offloadedBy(provider)));
                }
            }
        }
        return f.write(db);
    }

    /** Folds samples still in memory (the same rows the table holds); returns the rollup rows written. */
    public static long fold(Connection db, List<FinishedRequest> samples) throws SQLException {
        Folding f = new Folding();
        for (FinishedRequest r : samples) {
            f.add(r.tsUs(), r.model(), r.lane(), r.isError(), r.inputTokens(), r.outputTokens(),
                    r.cacheCreationInputTokens(), r.cacheReadInputTokens(), r.latencyUs(),
                    new Money(r.cost(), r.listCost(), r.offloaded()));
        }
        return f.write(db);
    }

    private static final class Folding {
        // Hashed while folding; written in key order.
        final Map<RollupKey, Bucket> hour = new java.util.HashMap<>();
        final Map<RollupKey, Bucket> day = new java.util.HashMap<>();

        void add(long tsUs, String model, String lane, boolean error, long in, long out, long cc, long cr, long latencyUs,
                 Money money) {
            long tsS = Math.floorDiv(tsUs, 1_000_000L);
            String m = orUnknown(model);
            String l = orUnknown(lane);
            hour.computeIfAbsent(new RollupKey(Math.floorDiv(tsS, 3600L) * 3600L, m, l), k -> new Bucket())
                    .add(error, in, out, cc, cr, latencyUs, money);
            day.computeIfAbsent(new RollupKey(Math.floorDiv(tsS, 86_400L) * 86_400L, m, l), k -> new Bucket())
                    .add(error, in, out, cc, cr, latencyUs, money);
        }

        long write(Connection db) throws SQLException {
            return Rollups.write(db, HOUR, hour) + Rollups.write(db, DAY, day);
        }
    }

    private static long write(Connection db, String table, Map<RollupKey, Bucket> buckets) throws SQLException {
        if (buckets.isEmpty()) {
            return 0;
        }
        try (PreparedStatement read = Writes.readRollup(db, table);
             PreparedStatement write = Writes.writeRollup(db, table)) {
            for (var e : new TreeMap<>(buckets).entrySet()) {
                RollupKey k = e.getKey();
                Bucket b = e.getValue();
                read.setLong(1, k.start());
                read.setString(2, k.model());
                read.setString(3, k.lane());
                byte[] sketch = null;
                try (ResultSet rs = read.executeQuery()) {
                    if (rs.next()) {
                        b.count += rs.getLong(1);
                        b.errors += rs.getLong(2);
                        b.in += rs.getLong(3);
                        b.out += rs.getLong(4);
                        b.cacheCreation += rs.getLong(5);
                        b.cacheRead += rs.getLong(6);
                        sketch = rs.getBytes(7);
                        long before = rs.getLong(1);
                        // A row folded before rollups carried cost (NULL): its requests stay unpriced until a rebuild.
                        b.unpriced += orElse(rs, 8, before);
                        b.listUnpriced += orElse(rs, 9, before);
                        b.offloaded += orElse(rs, 10, 0);
                        b.cost = Math.addExact(b.cost, orElse(rs, 11, 0));
                        b.listCost = Math.addExact(b.listCost, orElse(rs, 12, 0));
                        b.saved = Math.addExact(b.saved, orElse(rs, 13, 0));
                    }
                }
                LatencySketch latency = b.latency(sketch);
                write.setLong(1, k.start());
                write.setString(2, k.model());
                write.setString(3, k.lane());
                write.setLong(4, b.count);
                write.setLong(5, b.errors);
                write.setLong(6, b.in);
                write.setLong(7, b.out);
                write.setLong(8, b.cacheCreation);
                write.setLong(9, b.cacheRead);
                write.setDouble(10, latency.percentile(0.50) / 1000.0);
                write.setDouble(11, latency.percentile(0.95) / 1000.0);
                write.setBytes(12, latency.toBytes());
                write.setLong(13, b.unpriced);
                write.setLong(14, b.listUnpriced);
                write.setLong(15, b.offloaded);
                write.setLong(16, b.cost);
                write.setLong(17, b.listCost);
                write.setLong(18, b.saved);
                write.addBatch();
            }
            write.executeBatch();
        }
        return buckets.size();
    }

    private static long orElse(ResultSet rs, int column, long otherwise) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? otherwise : v;
    }

    private static Long picos(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** One request's money: its cost and list cost in pico-dollars (null when unpriced), and whether it was offloaded. */
    private record Money(Long cost, Long listCost, boolean offloaded) {
        long saved() {
            return offloaded && cost != null && listCost != null ? listCost - cost : 0;
        }
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    private static final class Bucket {
        long count;
        long errors;
        long in;
        long out;
        long cacheCreation;
        long cacheRead;
        long unpriced;
        long listUnpriced;
        long offloaded;
        long cost;
        long listCost;
        long saved;
        final LatencySketch latency = new LatencySketch();
        /** Latencies added, recorded into the sketch in one step when the bucket is written. */
        private long[] latencies = new long[16];
        private int added;

        /** The sketch with every latency added and the row's own (null for a new row). */
        LatencySketch latency(byte[] row) {
            latency.addBytes(row);
            latency.addAll(latencies, added);
            added = 0;
            return latency;
        }

        void add(boolean error, long in, long out, long cc, long cr, long latencyUs, Money money) {
            if (money.cost() == null) {
                unpriced++;
            } else {
                cost = Math.addExact(cost, money.cost());
            }
            if (money.listCost() == null) {
                listUnpriced++;
            } else {
                listCost = Math.addExact(listCost, money.listCost());
            }
            if (money.offloaded()) {
                offloaded++;
            }
            saved = Math.addExact(saved, money.saved());
            count++;
            if (error) {
                errors++;
            }
            this.in += in;
            this.out += out;
            cacheCreation += cc;
            cacheRead += cr;
            if (added == latencies.length) {
                latencies = java.util.Arrays.copyOf(latencies, added * 2);
            }
            latencies[added++] = latencyUs;
        }
    }
}
