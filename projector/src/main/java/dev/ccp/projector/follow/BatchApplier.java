package dev.ccp.projector.follow;

import dev.ccp.events.LogEntry;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.projection.FinishedRequest;
import dev.ccp.projector.projection.Projection;
import dev.ccp.projector.projection.RequestJoin;
import dev.ccp.projector.projection.RequestPricer;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.SourcePositionStore;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The projections' side of a pass: runs each entry through the shared {@link RequestJoin} and every
 * projection whose checkpoint is behind it, and commits a batch — each projection's rows, its
 * checkpoint (and a team topic's offsets) in one SQLite transaction, its files flushed before — so
 * a kill at any moment resumes right after the last committed batch.
 */
final class BatchApplier {
    private final List<Position> positions;
    private final Connection db;
    private final RequestPricer pricer;
    private final ProjectorMetrics metrics;
    private final Totals totals;
    /** The topic whose offsets are saved with the checkpoints; null for the local log. */
    private final String topic;
    private long lastIndex;
    private Long lastTsUs;
    /** The join's state after the last chunk applied: what the next commit saves. */
    private RequestJoin.Mark mark;
    private int batch;
    private boolean publishPending;
    private long lastCommitNanos = System.nanoTime();
    private long lastPublishNanos = System.nanoTime();

    BatchApplier(List<Position> positions, StartingPoint start, RequestPricer pricer, ProjectorMetrics metrics,
                 Totals totals, String topic) {
        this.positions = positions;
        this.db = start.db();
        this.mark = start.join().mark();
        this.pricer = pricer;
        this.metrics = metrics;
        this.totals = totals;
        this.topic = topic;
        this.lastIndex = start.startAfter();
        this.lastTsUs = start.lastTsUs();
    }

    long lastIndex() {
        return lastIndex;
    }

    /** Requests completed that were not open, as of the last chunk applied. */
    long orphaned() {
        return mark.orphaned();
    }

    /** Entries applied since the last commit. */
    int batch() {
        return batch;
    }

    boolean publishPending() {
        return publishPending;
    }

    long lastCommitNanos() {
        return lastCommitNanos;
    }

    long lastPublishNanos() {
        return lastPublishNanos;
    }

    /** Applies a chunk the {@link JoinStage} joined; a commit may follow it, not come inside it. */
    void apply(JoinStage.Chunk chunk) {
        boolean read = false;
        for (JoinStage.Step step : chunk.steps()) {
            read |= step.entry() instanceof LogEntry.Read;
            apply(step);
        }
        if (read) {
            lastTsUs = chunk.mark().clockUs();
        }
        mark = chunk.mark();
    }

    private void apply(JoinStage.Step step) {
        LogEntry entry = step.entry();
        long index = entry.index();
        switch (entry) {
            case LogEntry.Read r -> {
                List<FinishedRequest> finished = step.finished();
                for (Position pos : positions) {
                    if (index > pos.at) {
                        try {
                            pos.projection.apply(index, r.event(), finished, step.requestModel());
                        } catch (java.io.UncheckedIOException e) {
                            // A file projection that writes ahead of its commit; reopened from the checkpoints.
                            throw new StoreFailure(e.getMessage(), e);
                        }
                        pos.events++;
                        pos.sinceCommit++;
                    }
                }
            }
            case LogEntry.Unreadable u -> {
                boolean anyBehind = false;
                for (Position pos : positions) {
                    if (index > pos.at) {
                        pos.projection.unreadable(index);
                        pos.events++;
                        pos.unreadable++;
                        pos.sinceCommit++;
                        anyBehind = true;
                    }
                }
                if (anyBehind) {
                    totals.unreadable++;
                    totals.skips.skipped(index, u.reason());
                }
            }
        }
        lastIndex = index;
        totals.applied++;
        totals.lastIndex = index;
        batch++;
        publishPending = true;
    }

    /**
     * Commits what was applied since the last commit.
     *
     * @param publish       also publish (rollups, METRICS.json) in the same transaction
     * @param topicPosition the topic's next offsets after the entries applied, or null for the local log
     * @param last          the run ends after this commit
     */
    void commit(boolean publish, String topicPosition, boolean last) {
        // Between batches: an edited price table prices what finishes from here on.
        pricer.poll();
        try {
            for (Position pos : positions) {
                if (pos.at < lastIndex) {
                    pos.projection.flushFiles();
                }
            }
            String joinState = null;
            for (Position pos : positions) {
                Projection p = pos.projection;
                if (pos.at < lastIndex) {
                    p.writeRows(db);
                    if (joinState == null) {
                        joinState = mark.snapshot();
                    }
                    CheckpointStore.save(db, new Checkpoint(p.name(), lastIndex, pos.events, pos.unreadable, lastTsUs,
                            p.fileLength(), joinState, p.state()));
                    if (topicPosition != null) {
                        SourcePositionStore.save(db, p.name(), new SourcePositionStore.SourcePosition(topic, topicPosition));
                    }
                    pos.at = lastIndex;
                }
                if (publish) {
                    p.publish(db, pos.at, mark.clockUs());
                }
            }
            db.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // The failure is reported below; the connection is reopened.
            }
            throw new StoreFailure(e.getMessage(), e);
        }
        for (Position pos : positions) {
            metrics.applied(pos.projection.name(), pos.sinceCommit);
            pos.sinceCommit = 0;
        }
        if (publish) {
            lastPublishNanos = System.nanoTime();
            publishPending = false;
        }
        try {
            for (Position pos : positions) {
                pos.projection.afterCommit(last);
            }
        } catch (IOException e) {
            throw new StoreFailure(e.getMessage(), e);
        }
        batch = 0;
        lastCommitNanos = System.nanoTime();
    }

    /** Lets the projections use a quiet moment (flush files, fold rollups). */
    void idle() {
        try {
            for (Position pos : positions) {
                pos.projection.idle();
            }
        } catch (IOException e) {
            throw new StoreFailure(e.getMessage(), e);
        }
    }
}
