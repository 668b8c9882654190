package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.sqlite.Rollups;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.Tables;
import dev.ccp.readmodel.Writes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SQLite projection: {@code samples} (one row per finished request), {@code quota_usage}
 * (per-minute requests, tokens and 429/529 answers per lane and model) in every checkpoint transaction,
 * and the {@code rollup_hour}/{@code rollup_day} tables, folded from the samples when publication is
 * due. Samples older than the retention (measured from the newest event's time) are pruned once folded.
 */
public final class SqliteProjection implements Projection {
    public static final String NAME = "sqlite";
    /** The checkpoint of the rollups: samples up to this index are folded into them. */
    public static final String ROLLUPS = Tables.ROLLUPS_CHECKPOINT;

    private final Duration sampleTtl;
    private final ProjectorMetrics metrics;
    private final java.util.ArrayList<FinishedRequest> samples = new java.util.ArrayList<>();
    /** This batch's quota minutes; hashed while applying, written in key order. */
    private final Map<QuotaKey, QuotaMinute> quota = new java.util.HashMap<>();
    private final QuotaTables quotaTables = new QuotaTables();
    private final CostTables costTables = new CostTables();
    /** Samples written since the last publication, kept while that is all the table holds unfolded. */
    private final java.util.ArrayList<FinishedRequest> unfolded = new java.util.ArrayList<>();
    private boolean unfoldedInMemory;
    private PreparedStatement insert;
    private long rolledUpTo = -1;

    public SqliteProjection(Duration sampleTtl, ProjectorMetrics metrics) {
        this.sampleTtl = sampleTtl;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(Connection db, Checkpoint checkpoint) throws SQLException {
        samples.clear();
        quota.clear();
        quotaTables.clear();
        costTables.clear();
        rolledUpTo = CheckpointStore.load(db, ROLLUPS).map(Checkpoint::index).orElse(-1L);
        unfolded.clear();
        unfoldedInMemory = rolledUpTo >= checkpoint.index();
        insert = Writes.insertSample(db);
    }

    /** The op of a {@code /v1/messages/count_tokens} call. */
    static final String COUNT_TOKENS = "count_tokens";

    @Override
    public void apply(long index, Event event, List<FinishedRequest> finished, String requestModel) {
        quotaTables.apply(index, event, finished, requestModel);
        costTables.apply(event, finished);
        for (FinishedRequest r : finished) {
            samples.add(r);
            // A count_tokens call is no completion: quota request caps and `cc usage` count completions.
            long completions = COUNT_TOKENS.equals(r.op()) ? 0 : 1;
            add(r.tsUs(), r.lane(), r.model(), new QuotaMinute(completions, r.inputTokens(), r.outputTokens(),
                    r.cacheCreationInputTokens(), r.cacheReadInputTokens(), 0));
        }
        switch (event) {
            case Event.UpstreamAttempt a when a.status() == 429 || a.status() == 529 ->
                    add(a.tsUs(), a.provider(), requestModel, QuotaMinute.LIMITED);
            case Event.ImportedSample s when s.status() == 429 || s.status() == 529 ->
                    add(s.tsUs(), s.lane(), s.model(), QuotaMinute.LIMITED);
            default -> {
            }
        }
    }

    private void add(long tsUs, String lane, String model, QuotaMinute use) {
        long minute = Math.floorDiv(tsUs, 60_000_000L) * 60L;
        quota.merge(new QuotaKey(minute, lane == null ? "unknown" : lane, model == null ? "unknown" : model),
                use, QuotaMinute::plus);
    }

    /** What one lane and model used in one minute, added to its {@code quota_usage} row. */
    private record QuotaMinute(long requests, long inputTokens, long outputTokens, long cacheCreationInputTokens,
                               long cacheReadInputTokens, long limited) {
        /** One answer of 429 or 529: the provider limited the lane. */
        static final QuotaMinute LIMITED = new QuotaMinute(0, 0, 0, 0, 0, 1);

        QuotaMinute plus(QuotaMinute o) {
            return new QuotaMinute(requests + o.requests, inputTokens + o.inputTokens, outputTokens + o.outputTokens,
                    cacheCreationInputTokens + o.cacheCreationInputTokens, cacheReadInputTokens + o.cacheReadInputTokens,
                    limited + o.limited);
        }
    }

    @Override
    public void writeRows(Connection db) throws SQLException {
        for (FinishedRequest r : samples) {
            insert.setLong(1, r.index());
            insert.setInt(2, r.seq());
            insert.setLong(3, r.tsUs());
            insert.setString(4, r.reqId());
            insert.setString(5, r.model());
            insert.setString(6, r.upstreamModel());
            insert.setString(7, r.lane());
            insert.setString(8, r.provider());
            insert.setString(9, r.decision());
            insert.setString(10, r.op());
            insert.setInt(11, r.status());
            insert.setString(12, r.headerMode());
            insert.setString(13, r.http());
            insert.setDouble(14, r.latencyUs() / 1000.0);
            if (r.ttfbUs() < 0) {
                insert.setNull(15, Types.REAL);
            } else {
                insert.setDouble(15, r.ttfbUs() / 1000.0);
            }
            insert.setLong(16, r.inputTokens());
            insert.setLong(17, r.outputTokens());
            insert.setLong(18, r.cacheCreationInputTokens());
            insert.setLong(19, r.cacheReadInputTokens());
            insert.setString(20, r.stopReason());
            insert.setString(21, r.outcome());
            insert.setInt(22, r.attempts());
            insert.setString(23, r.instance());
            insert.setString(24, r.sessionId());
            insert.setString(25, r.project());
            setPicos(insert, 26, r.cost());
            setPicos(insert, 27, r.listCost());
            insert.setLong(28, r.firstIndex());
            insert.setString(29, r.member());
            insert.setLong(30, r.cacheWrite1hTokens());
            insert.addBatch();
        }
        if (!samples.isEmpty()) {
            insert.executeBatch();
        }
        if (!quota.isEmpty()) {
            try (PreparedStatement ps = Writes.addQuotaUsage(db)) {
                for (var e : new TreeMap<>(quota).entrySet()) {
                    QuotaKey k = e.getKey();
                    QuotaMinute v = e.getValue();
                    ps.setLong(1, k.minute());
                    ps.setString(2, k.lane());
                    ps.setString(3, k.model());
                    ps.setLong(4, v.requests());
                    ps.setLong(5, v.inputTokens());
                    ps.setLong(6, v.outputTokens());
                    ps.setLong(7, v.cacheCreationInputTokens());
                    ps.setLong(8, v.cacheReadInputTokens());
                    ps.setLong(9, v.limited());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        metrics.storeWrites(samples.size() + quota.size() + quotaTables.write(db) + costTables.write(db));
        if (unfoldedInMemory) {
            unfolded.addAll(samples);
            if (unfolded.size() > 100_000) {
                // A long publication interval under heavy traffic: fold from the table instead.
                unfolded.clear();
                unfolded.trimToSize();
                unfoldedInMemory = false;
            }
        }
        samples.clear();
        quota.clear();
    }

    private static void setPicos(PreparedStatement ps, int i, Long picos) throws SQLException {
        if (picos == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, picos);
        }
    }

    @Override
    public void publish(Connection db, long index, long clockUs) throws SQLException {
        if (index <= rolledUpTo) {
            return;
        }
        long start = System.nanoTime();
        long rows = unfoldedInMemory ? Rollups.fold(db, unfolded) : Rollups.fold(db, rolledUpTo, index);
        unfolded.clear();
        unfoldedInMemory = true;
        if (clockUs != Long.MIN_VALUE) {
            try (PreparedStatement ps = Writes.pruneSamples(db)) {
                ps.setLong(1, clockUs - sampleTtl.toNanos() / 1_000);
                ps.setLong(2, index);
                ps.executeUpdate();
            }
        }
        rolledUpTo = index;
        CheckpointStore.save(db, new Checkpoint(ROLLUPS, index, 0, 0, clockUs == Long.MIN_VALUE ? null : clockUs,
                null, "", null));
        metrics.storeWrites(rows);
        metrics.rollupTook(Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void wipe(Connection db) throws SQLException {
        Writes.wipe(db, Tables.SAMPLES, Tables.ROLLUP_HOUR, Tables.ROLLUP_DAY, Tables.QUOTA_USAGE);
        QuotaTables.wipe(db);
        CostTables.wipe(db);
        CheckpointStore.delete(db, ROLLUPS);
        rolledUpTo = -1;
        unfolded.clear();
    }

    @Override
    public void close() {
        try {
            if (insert != null) {
                insert.close();
            }
        } catch (SQLException ignored) {
            // The connection is going away anyway.
        }
    }

    private record QuotaKey(long minute, String lane, String model) implements Comparable<QuotaKey> {
        @Override
        public int compareTo(QuotaKey o) {
            int c = Long.compare(minute, o.minute);
            if (c == 0) {
                c = lane.compareTo(o.lane);
            }
            return c != 0 ? c : model.compareTo(o.model);
        }
    }

}
