package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.events.RateLimits;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.ProviderWindowsTable;
import dev.ccp.readmodel.ProviderWindowsTable.Standing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the sqlite projection keeps about money and Anthropic's windows, in the same transactions (so
 * replayable and exactly once like the rest): {@code cost_hour}, the priced requests summed per hour,
 * lane, model, session, project and member; and {@code provider_windows}, the latest rate-limit
 * standing per provider and credential, from the attempts' {@code rate_limit}.
 */
final class CostTables {
    private static final long HOUR_US = 3_600_000_000L;

    private record Key(long hour, String lane, String model, String session, String project, String member)
            implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(hour, o.hour);
            for (int i = 0; c == 0 && i < 5; i++) {
                c = part(i).compareTo(o.part(i));
            }
            return c;
        }

        private String part(int i) {
            return switch (i) {
                case 0 -> lane;
                case 1 -> model;
                case 2 -> session;
                case 3 -> project;
                default -> member;
            };
        }
    }

    /** Hashed while applying, written in key order. */
    private final Map<Key, long[]> costs = new java.util.HashMap<>();
    private final Map<String, Standing> windows = new LinkedHashMap<>();

    void clear() {
        costs.clear();
        windows.clear();
    }

    void apply(Event event, List<FinishedRequest> finished) {
        for (FinishedRequest r : finished) {
            Key k = new Key(Math.floorDiv(r.tsUs(), HOUR_US) * 3600, orUnknown(r.lane()), orUnknown(r.model()),
                    orEmpty(r.sessionId()), orEmpty(r.project()), orEmpty(r.member()));
            long[] v = costs.computeIfAbsent(k, x -> new long[11]);
            v[0]++;
            if (r.cost() == null) {
                v[1]++;
            }
            if (r.listCost() == null) {
                v[2]++;
            }
            if (r.offloaded()) {
                v[3]++;
            }
            v[4] += r.inputTokens();
            v[5] += r.outputTokens();
            v[6] += r.cacheCreationInputTokens();
            v[7] += r.cacheReadInputTokens();
            v[8] = Math.addExact(v[8], r.cost() == null ? 0 : r.cost());
            v[9] = Math.addExact(v[9], r.listCost() == null ? 0 : r.listCost());
            v[10] = Math.addExact(v[10], r.saved());
        }
        if (event instanceof Event.UpstreamAttempt a && a.rateLimit() != null) {
            String credential = a.credential() == null ? "" : a.credential();
            String key = a.provider() + "\u0000" + credential;
            Standing next = standing(a.provider(), credential, a.tsUs(), a.rateLimit());
            Standing before = windows.get(key);
            windows.put(key, before == null ? next : over(before, next));
        }
    }

    /** Writes what this batch added; returns the rows written. */
    int write(Connection db) throws SQLException {
        int rows = costs.size() + windows.size();
        if (!costs.isEmpty()) {
            try (PreparedStatement ps = CostTable.add(db)) {
                for (var e : new TreeMap<>(costs).entrySet()) {
                    Key k = e.getKey();
                    long[] v = e.getValue();
                    ps.setLong(1, k.hour());
                    ps.setString(2, k.lane());
                    ps.setString(3, k.model());
                    ps.setString(4, k.session());
                    ps.setString(5, k.project());
                    ps.setString(6, k.member());
                    for (int i = 0; i < v.length; i++) {
                        ps.setLong(7 + i, v[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        ProviderWindowsTable.upsert(db, new ArrayList<>(windows.values()));
        clear();
        return rows;
    }

    static void wipe(Connection db) throws SQLException {
        CostTable.wipe(db);
        ProviderWindowsTable.wipe(db);
    }

    private static Standing standing(String provider, String credential, long tsUs, RateLimits r) {
        return new Standing(provider, credential, tsUs, r.status(), r.resetS(), r.representativeClaim(),
                window(r.fiveHour()), window(r.sevenDay()),
                limit(r.requests()), limit(r.tokens()), limit(r.inputTokens()), limit(r.outputTokens()), r.malformed());
    }

    private static ProviderWindowsTable.Window window(RateLimits.Window w) {
        return w == null ? null : new ProviderWindowsTable.Window(w.status(), w.utilization(), w.resetS());
    }

    private static ProviderWindowsTable.Limit limit(RateLimits.Limit l) {
        return l == null ? null : new ProviderWindowsTable.Limit(l.limit(), l.remaining(), l.resetS());
    }

    /** Within a batch, the same rule as the table's upsert: newer values over older, malformed added. */
    private static Standing over(Standing a, Standing b) {
        return new Standing(b.provider(), b.credential(), b.tsUs(),
                or(b.status(), a.status()), or(b.resetS(), a.resetS()), or(b.representativeClaim(), a.representativeClaim()),
                overWindow(a.fiveHour(), b.fiveHour()), overWindow(a.sevenDay(), b.sevenDay()),
                overLimit(a.requests(), b.requests()), overLimit(a.tokens(), b.tokens()),
                overLimit(a.inputTokens(), b.inputTokens()), overLimit(a.outputTokens(), b.outputTokens()),
                a.malformed() + b.malformed());
    }

    private static ProviderWindowsTable.Window overWindow(ProviderWindowsTable.Window a, ProviderWindowsTable.Window b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new ProviderWindowsTable.Window(or(b.status(), a.status()), or(b.utilization(), a.utilization()),
                or(b.resetS(), a.resetS()));
    }

    private static ProviderWindowsTable.Limit overLimit(ProviderWindowsTable.Limit a, ProviderWindowsTable.Limit b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new ProviderWindowsTable.Limit(or(b.limit(), a.limit()), or(b.remaining(), a.remaining()), or(b.resetS(), a.resetS()));
    }

    private static <T> T or(T newer, T older) {
        return newer != null ? newer : older;
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
