package dev.ccp.projector.follow;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.IndexNotInLogException;
import dev.ccp.events.LogEntry;
import dev.ccp.projector.Progress;
import dev.ccp.projector.ProjectorException;
import dev.ccp.projector.Settings;
import dev.ccp.projector.TopicSource;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.projection.Projection;
import dev.ccp.projector.projection.RequestPricer;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One pass of the tail loop from the checkpoints: reads the source in chunks and decides when a batch
 * is committed (every {@code batchSize} entries or half a second), when the rollups are published
 * ({@code CCP_ROLLUP_INTERVAL}, or with every transaction of a single run), and when the progress and
 * lag are reported. It owns its connection, source reader and projections, and closes them.
 */
final class Pass implements AutoCloseable {
    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
    /** A single run commits by batch size, or at this pace while it reads a long stretch. */
    private static final long COMMIT_EVERY_NANOS = 1_000_000_000L;
    /**
     * Entries per transaction of a single run: each commit also saves every checkpoint (the scoreboard
     * with its sketches, the request join) and publishes the rollups, so a rebuild pays for it per batch.
     */
    private static final int ONCE_BATCH = 262_144;
    /**
     * A follower under steady traffic never finds the source idle, so this pace bounds how long an
     * entry waits for its commit (what readers of the projection, a team's quota standing among
     * them, see); a commit costs a few milliseconds, so ten a second stay cheap.
     */
    private static final long FOLLOW_COMMIT_EVERY_NANOS = 100_000_000L;
    private static final long LAG_EVERY_NANOS = 1_000_000_000L;

    private final CcpPaths paths;
    private final Settings settings;
    private final ProjectorMetrics metrics;
    private final TopicSource topic;
    private final Totals totals;
    private final List<Projection> projections;
    private final StartingPoint start;
    private final BatchApplier applier;
    private final RequestPricer pricer;
    private JoinStage reader;
    /** The source's position after the last chunk polled (a team topic's offsets), saved with the checkpoint. */
    private String positionPolled;

    Pass(CcpPaths paths, Settings settings, ProjectorMetrics metrics, RequestPricer pricer, TopicSource topic,
         List<Projection> projections, Totals totals, boolean wipe) {
        this.paths = paths;
        this.settings = settings;
        this.metrics = metrics;
        this.topic = topic;
        this.totals = totals;
        this.projections = projections;
        List<Position> positions = projections.stream().map(Position::new).toList();
        try {
            this.start = StartingPoint.open(paths, settings, topic, positions, wipe);
        } catch (RuntimeException e) {
            projections.forEach(Projection::close);
            throw e;
        }
        this.pricer = pricer;
        this.applier = new BatchApplier(positions, start, pricer, metrics, totals, topic == null ? null : topic.topic());
    }

    long orphaned() {
        return applier.orphaned();
    }

    void loop(TailLoop.Mode mode, Progress progress, BooleanSupplier stop) {
        long startIndex = applier.lastIndex();
        EntryReader source = topic != null
                ? new TopicReader(topic, start.topicStart(), start.startAfter(), mode == TailLoop.Mode.FOLLOW)
                : new LogReader(start.log(), start.startAfter(), mode == TailLoop.Mode.FOLLOW);
        positionPolled = source.positionAfterPolled();
        reader = new JoinStage(source, start.join(), pricer, metrics);
        long total = progress == Progress.NONE ? 0 : start.log() != null ? start.log().countAfter(startIndex) : awaitLag();
        long done = 0;
        long runStart = System.nanoTime();
        long lastProgress = runStart;
        long lastLag = 0;
        int batchSize = settings.batchSize() > 0 ? settings.batchSize() : mode == TailLoop.Mode.ONCE ? ONCE_BATCH : 4_096;
        long commitEvery = mode == TailLoop.Mode.ONCE ? COMMIT_EVERY_NANOS : FOLLOW_COMMIT_EVERY_NANOS;
        while (!stop.getAsBoolean()) {
            JoinStage.Chunk chunk = poll();
            long now = System.nanoTime();
            if (chunk != null) {
                positionPolled = chunk.position();
            }
            if (chunk == null || chunk.caughtUp()) {
                boolean publishDue = now - applier.lastPublishNanos() >= settings.rollupInterval().toNanos();
                if (applier.batch() > 0 || (publishDue && applier.publishPending())) {
                    commit(publishDue, false);
                }
                if (mode == TailLoop.Mode.ONCE && chunk != null) {
                    break;
                }
                totals.skips.endOfStretch();
                applier.idle();
                if (now - lastLag >= LAG_EVERY_NANOS) {
                    metrics.lag(lag());
                    lastLag = now;
                }
                continue;
            }
            applier.apply(chunk);
            done += chunk.steps().size();
            if (applier.batch() >= batchSize || now - applier.lastCommitNanos() >= commitEvery) {
                // --once/--rebuild publish with every transaction: rollups fold from the batch still in memory.
                commit(mode == TailLoop.Mode.ONCE || now - applier.lastPublishNanos() >= settings.rollupInterval().toNanos(), false);
                if (mode == TailLoop.Mode.FOLLOW && now - lastLag >= LAG_EVERY_NANOS) {
                    metrics.lag(lag());
                    lastLag = now;
                }
            }
            if (progress != Progress.NONE && now - lastProgress >= PROGRESS_EVERY_NANOS) {
                progress.update(done, Math.max(total, done), done * 1e9 / Math.max(1, now - runStart));
                lastProgress = now;
            }
        }
        commit(true, true);
        totals.skips.endOfStretch();
        if (progress != Progress.NONE) {
            long now = System.nanoTime();
            progress.update(done, Math.max(total, done), done * 1e9 / Math.max(1, now - runStart));
        }
    }

    private JoinStage.Chunk poll() {
        try {
            return reader.poll(100);
        } catch (IndexNotInLogException e) {
            throw notInLog();
        } catch (RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains("is not in the log")) {
                throw notInLog();
            }
            throw new ProjectorException(topic != null ? e.getMessage()
                    : "cannot read the log at " + paths.queueDir() + ": " + e.getMessage(), e);
        }
    }

    private ProjectorException notInLog() {
        return new ProjectorException("the checkpoint of " + start.checkpointName() + " (index 0x"
                + Long.toHexString(start.startAfter()) + ") is not in the log at " + paths.queueDir()
                + "; run bin/ccp-projector --rebuild");
    }

    private void commit(boolean publish, boolean last) {
        applier.commit(publish, positionPolled, last);
    }

    private long lag() {
        return start.log() != null ? start.log().countAfter(applier.lastIndex()) : reader.lag();
    }

    /** The topic's backlog as the reader first sees it (for the progress bar). */
    private long awaitLag() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (reader.lag() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000L);
        }
        return reader.lag();
    }

    @Override
    public void close() {
        projections.forEach(Projection::close);
        if (reader != null) {
            reader.close();
        }
        if (start.log() != null) {
            start.log().close();
        }
        try {
            start.db().close();
        } catch (SQLException ignored) {
            // Nothing left to save.
        }
    }
}
