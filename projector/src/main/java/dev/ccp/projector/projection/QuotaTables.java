package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.readmodel.Tables;
import dev.ccp.readmodel.Writes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quota read side beyond {@code quota_usage}, kept by the sqlite projection in the same
 * transactions (so replayable and exactly once like the rest):
 * <ul>
 *   <li>{@code quota_limits}: one row per limit answer (an {@code UpstreamAttempt} with status 429 or
 *       529, or an imported sample with one), for the warn-level calibration of {@code cc status};</li>
 *   <li>{@code quota_speed}: per minute, lane and model, the streamed answers that completed, their
 *       output tokens, the time spent inside the streams (first byte to end) and their wall time
 *       (whole request), for TPS, the peak hour and ROLL OUT (elr/dirty).</li>
 * </ul>
 */
public final class QuotaTables {
    private record Limit(long index, long tsUs, String lane, String model, int status) {
    }

    private record Key(long minute, String lane, String model) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(minute, o.minute);
            if (c == 0) {
                c = lane.compareTo(o.lane);
            }
            return c != 0 ? c : model.compareTo(o.model);
        }
    }

    private final List<Limit> limits = new ArrayList<>();
    /** Hashed while applying, written in key order. */
    private final Map<Key, long[]> speed = new java.util.HashMap<>();

    void apply(long index, Event event, List<FinishedRequest> finished, String requestModel) {
        for (FinishedRequest r : finished) {
            if ("stream".equals(r.op()) && "ok".equals(r.outcome()) && r.status() < 400 && r.ttfbUs() >= 0) {
                long[] s = speed.computeIfAbsent(new Key(Math.floorDiv(r.tsUs(), 60_000_000L) * 60L, orUnknown(r.lane()),
                        orUnknown(r.model())), k -> new long[4]);
                s[0]++;
                s[1] += r.outputTokens();
                s[2] += Math.max(0, r.latencyUs() - r.ttfbUs());
                s[3] += r.latencyUs();
            }
        }
        switch (event) {
            case Event.UpstreamAttempt a when a.status() == 429 || a.status() == 529 ->
                    limits.add(new Limit(index, a.tsUs(), orUnknown(a.provider()), orUnknown(requestModel), a.status()));
            case Event.ImportedSample s when s.status() == 429 || s.status() == 529 ->
                    limits.add(new Limit(index, s.tsUs(), orUnknown(s.lane()), orUnknown(s.model()), s.status()));
            default -> {
            }
        }
    }

    /** Rows written; the buffers are cleared. */
    int write(Connection db) throws SQLException {
        int rows = limits.size() + speed.size();
        if (!limits.isEmpty()) {
            try (PreparedStatement ps = Writes.insertQuotaLimit(db)) {
                for (Limit l : limits) {
                    ps.setLong(1, l.index());
                    ps.setLong(2, l.tsUs());
                    ps.setString(3, l.lane());
                    ps.setString(4, l.model());
                    ps.setInt(5, l.status());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!speed.isEmpty()) {
            try (PreparedStatement ps = Writes.addQuotaSpeed(db)) {
                for (var e : new TreeMap<>(speed).entrySet()) {
                    ps.setLong(1, e.getKey().minute());
                    ps.setString(2, e.getKey().lane());
                    ps.setString(3, e.getKey().model());
                    for (int i = 0; i < 4; i++) {
                        ps.setLong(4 + i, e.getValue()[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        clear();
        return rows;
    }

    void clear() {
        limits.clear();
        speed.clear();
    }

    static void wipe(Connection db) throws SQLException {
        Writes.wipe(db, Tables.QUOTA_LIMITS, Tables.QUOTA_SPEED);
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }
}
