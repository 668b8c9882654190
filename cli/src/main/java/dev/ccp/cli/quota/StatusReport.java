package dev.ccp.cli.quota;

import dev.ccp.readmodel.ReadModelQuotaUsage;
import dev.ccp.policy.quota.Calibration;
import dev.ccp.policy.quota.Quota;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaStanding;
import dev.ccp.policy.quota.QuotaState;
import dev.ccp.policy.quota.QuotaUsageReader;
import dev.ccp.policy.quota.WindowUse;
import dev.ccp.policy.quota.Windows;
import dev.ccp.readmodel.Reads;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code cc status} shows, computed from the projections only ({@code quota_usage},
 * {@code quota_limits}, {@code quota_speed}) and the quotas file, at the injected clock's instant.
 */
final class StatusReport {
    /** Rolling window for models no quota covers. */
    static final Duration DEFAULT_WINDOW = Duration.ofHours(5);
    /** An hour of day needs this many streamed answers to be the peak hour. */
    static final int PEAK_MIN_STREAMS = 3;

    /** Speed over some window: streamed answers, their output tokens, seconds inside streams and wall seconds. */
    record Speed(long streams, long outputTokens, double streamSeconds, double wallSeconds) {
        static final Speed ZERO = new Speed(0, 0, 0, 0);

        Double elr() {
            return streamSeconds <= 0 ? null : outputTokens / streamSeconds;
        }

        Double dirty() {
            return wallSeconds <= 0 ? null : outputTokens / wallSeconds;
        }

        Speed plus(Speed o) {
            return new Speed(streams + o.streams, outputTokens + o.outputTokens, streamSeconds + o.streamSeconds,
                    wallSeconds + o.wallSeconds);
        }
    }

    record ModelRow(String model, String lane, QuotaStanding quota, WindowUse ownRolling, WindowUse ownWeekly, Duration window,
                    Calibration calibration, Speed weekly, Speed rolling, Integer peakHourUtc) {
    }

    /** {@code refusedThisWeek}: requests the proxy answered itself (lane unknown); they used no provider's quota. */
    record Report(Instant at, QuotaConfig config, List<QuotaStanding> quotas, Map<String, Calibration> calibrations,
                  List<ModelRow> models, long refusedThisWeek) {
    }

    private StatusReport() {
    }

    static Report build(Path db, Connection c, QuotaConfig config, Instant now) throws SQLException {
        try (QuotaUsageReader reader = ReadModelQuotaUsage.reader(db)) {
            QuotaState state = reader.read(config, now);
            List<Calibration.LimitHit> hits = limitHits(c, now);
            Map<String, Calibration> calibrations = new LinkedHashMap<>();
            for (Quota q : config.quotas()) {
                calibrations.put(q.name(), Calibration.of(q, hits, reader));
            }
            List<ModelRow> rows = new ArrayList<>();
            Map<String, WindowUse> ownDefault = new HashMap<>();
            for (QuotaUsageReader.ScopeUse u : reader.sums(now, DEFAULT_WINDOW)) {
                ownDefault.put(u.lane() + " " + u.model(), u.use());
            }
            long refused = 0;
            for (QuotaUsageReader.ScopeUse u : reader.sums(now, Quota.WEEK)) {
                if (!QuotaUsageReader.served(u.lane())) {
                    // No provider served these (a refusal, a 429 of the proxy's own, bad input): a quota row
                    // for them would read as a blocked lane that does not exist.
                    refused += u.use().requests();
                    continue;
                }
                QuotaStanding binding = null;
                for (QuotaStanding s : state.covering(u.lane(), u.model())) {
                    if (binding == null || s.percent() > binding.percent()) {
                        binding = s;
                    }
                }
                Duration window = binding == null ? DEFAULT_WINDOW : binding.quota().window();
                WindowUse own = binding == null ? ownDefault.getOrDefault(u.lane() + " " + u.model(), WindowUse.ZERO)
                        : reader.sums(now, window).stream().filter(s -> s.lane().equals(u.lane()) && s.model().equals(u.model()))
                        .map(QuotaUsageReader.ScopeUse::use).findFirst().orElse(WindowUse.ZERO);
                Map<Integer, Speed> byHour = speedByHour(c, u.lane(), u.model(), now);
                Speed weekly = byHour.values().stream().reduce(Speed.ZERO, Speed::plus);
                rows.add(new ModelRow(u.model(), u.lane(), binding, own, u.use(), window,
                        binding == null ? Calibration.NONE : calibrations.get(binding.quota().name()),
                        weekly, speed(c, u.lane(), u.model(), now, window), peak(byHour)));
            }
            rows.sort((a, b) -> a.model().equals(b.model()) ? a.lane().compareTo(b.lane()) : a.model().compareTo(b.model()));
            return new Report(now, config, state.inOrder(), calibrations, rows, refused);
        }
    }

    private static List<Calibration.LimitHit> limitHits(Connection c, Instant now) throws SQLException {
        List<Calibration.LimitHit> hits = new ArrayList<>();
        try (PreparedStatement ps = Reads.limitHits(c)) {
            ps.setLong(1, (now.getEpochSecond() - Calibration.LOOKBACK.toSeconds()) * 1_000_000L);
            ps.setLong(2, now.getEpochSecond() * 1_000_000L + 999_999);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long us = rs.getLong(1);
                    hits.add(new Calibration.LimitHit(Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1_000),
                            rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            if (!noTable(e)) {
                throw e;
            }
        }
        return hits;
    }

    private static Speed speed(Connection c, String lane, String model, Instant now, Duration window) throws SQLException {
        try (PreparedStatement ps = Reads.speed(c)) {
            ps.setString(1, lane);
            ps.setString(2, model);
            ps.setLong(3, Windows.start(now.getEpochSecond(), window));
            ps.setLong(4, now.getEpochSecond());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Speed(rs.getLong(1), rs.getLong(2), rs.getLong(3) / 1e6, rs.getLong(4) / 1e6);
            }
        } catch (SQLException e) {
            if (noTable(e)) {
                return Speed.ZERO;
            }
            throw e;
        }
    }

    private static Map<Integer, Speed> speedByHour(Connection c, String lane, String model, Instant now) throws SQLException {
        Map<Integer, Speed> out = new HashMap<>();
        try (PreparedStatement ps = Reads.speedByHour(c)) {
            ps.setString(1, lane);
            ps.setString(2, model);
            ps.setLong(3, Windows.start(now.getEpochSecond(), Quota.WEEK));
            ps.setLong(4, now.getEpochSecond());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new Speed(rs.getLong(2), rs.getLong(3), rs.getLong(4) / 1e6, rs.getLong(5) / 1e6));
                }
            }
        } catch (SQLException e) {
            if (!noTable(e)) {
                throw e;
            }
        }
        return out;
    }

    /** The hour of day (UTC) whose streamed answers were fastest, among hours with enough of them. */
    static Integer peak(Map<Integer, Speed> byHour) {
        Integer best = null;
        double bestTps = -1;
        for (int h = 0; h < 24; h++) {
            Speed s = byHour.get(h);
            if (s != null && s.streams() >= PEAK_MIN_STREAMS && s.elr() != null && s.elr() > bestTps) {
                bestTps = s.elr();
                best = h;
            }
        }
        return best;
    }

    private static boolean noTable(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("no such table");
    }
}
