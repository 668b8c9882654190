package dev.ccp.projector.follow;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.EventLog;
import dev.ccp.events.IndexNotInLogException;
import dev.ccp.events.LogEntry;
import dev.ccp.projector.Progress;
import dev.ccp.projector.ProjectionBusyException;
import dev.ccp.projector.Projector;
import dev.ccp.projector.ProjectorException;
import dev.ccp.projector.Settings;
import dev.ccp.projector.Summary;
import dev.ccp.projector.TopicSource;
import dev.ccp.projector.checkpoint.ProjectionLock;
import dev.ccp.readmodel.SourcePositionStore;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.projection.FinishedRequest;
import dev.ccp.projector.projection.Projection;
import dev.ccp.projector.projection.RequestJoin;
import dev.ccp.projector.projection.RequestPricer;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.Database;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The projector's loop: reads the log from the slowest projection's checkpoint, runs each entry through
 * the shared {@link RequestJoin} and every projection whose checkpoint is behind it, and every batch
 * saves each projection's output with its checkpoint in one transaction.
 */
public final class TailLoop {
    private static final Logger LOG = Logger.getLogger(TailLoop.class.getName());
    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
    private static final long COMMIT_EVERY_NANOS = 500_000_000L;
    private static final long LAG_EVERY_NANOS = 1_000_000_000L;
    private static final long METRICS_PACE_NANOS = 250_000_000L;

    /** How a run ends. */
    public enum Mode {
        /** Catch up with the log, publish everything, return. */
        ONCE,
        /** Keep following the log until stopped. */
        FOLLOW
    }

    private final CcpPaths paths;
    private final Settings settings;
    private final ProjectorMetrics metrics;
    private final Supplier<List<Projection>> projectionFactory;
    private final RequestPricer pricer;
    private final TopicSource topic;

    public TailLoop(CcpPaths paths, Settings settings, ProjectorMetrics metrics, Supplier<List<Projection>> projections) {
        this(paths, settings, metrics, projections, RequestPricer.UNPRICED, null);
    }

    /**
     * @param pricer prices each finished request once for every projection
     * @param topic  with non-null, the entries come from that team topic instead of the local log
     */
    public TailLoop(CcpPaths paths, Settings settings, ProjectorMetrics metrics, Supplier<List<Projection>> projections,
                    RequestPricer pricer, TopicSource topic) {
        this.paths = paths;
        this.settings = settings;
        this.metrics = metrics;
        this.projectionFactory = projections;
        this.pricer = pricer;
        this.topic = topic;
    }

    public static long metricsPaceNanos() {
        return METRICS_PACE_NANOS;
    }

    /**
     * Runs the projections. In FOLLOW mode a failed transaction is counted, logged, and the projections
     * are reopened from their checkpoints; in ONCE mode it ends the run with a {@link ProjectorException}.
     */
    public Summary run(Mode mode, boolean rebuild, Progress progress, BooleanSupplier stop) {
        List<Projection> probe = projectionFactory.get();
        List<String> names = probe.stream().map(Projection::name).toList();
        probe.forEach(Projection::close);
        List<ProjectionLock> locks = new ArrayList<>();
        try {
            for (String name : names) {
                Optional<ProjectionLock> lock = ProjectionLock.tryAcquire(paths.dbPath(), name);
                if (lock.isEmpty()) {
                    throw new ProjectionBusyException(name, "projection " + name + " is being built by another projector process (pid "
                            + ProjectionLock.holder(paths.dbPath(), name) + "); stop it first or leave it to it");
                }
                locks.add(lock.get());
            }
            Totals totals = new Totals(new SkipReport(LOG, metrics, System::nanoTime));
            long started = System.nanoTime();
            boolean wipe = rebuild;
            while (true) {
                try (Run run = new Run(projectionFactory.get(), totals)) {
                    run.open(wipe);
                    wipe = false;
                    run.loop(mode, progress, stop);
                    return new Summary(names, totals.applied, totals.unreadable, totals.lastIndex, run.join.orphaned(),
                            System.nanoTime() - started);
                } catch (StoreFailure e) {
                    metrics.storeWriteError();
                    if (mode == Mode.ONCE) {
                        throw new ProjectorException("cannot write the projections: " + e.getMessage(), e);
                    }
                    LOG.log(Level.WARNING, "cannot write the projections (" + e.getMessage()
                            + "); reopening from the checkpoints in a second", e);
                    LockSupport.parkNanos(1_000_000_000L);
                    if (stop.getAsBoolean()) {
                        return new Summary(names, totals.applied, totals.unreadable, totals.lastIndex, 0,
                                System.nanoTime() - started);
                    }
                }
            }
        } catch (IOException e) {
            throw new ProjectorException("cannot lock the projections beside " + paths.dbPath() + ": " + e.getMessage(), e);
        } finally {
            locks.forEach(ProjectionLock::close);
        }
    }

    private static final class Totals {
        final SkipReport skips;
        long applied;
        long unreadable;
        long lastIndex = -1;

        Totals(SkipReport skips) {
            this.skips = skips;
        }
    }

    private static final class StoreFailure extends RuntimeException {
        StoreFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * How far one projection has come in this pass: the last index it holds, its event and unreadable
     * counts for its checkpoint, and what it applied since the last commit (for the metrics).
     */
    private static final class Position {
        final Projection projection;
        long at;
        long events;
        long unreadable;
        long sinceCommit;

        Position(Projection projection) {
            this.projection = projection;
        }
    }

    /** One pass from the checkpoints: its own connection, log, projections and join. */
    private final class Run implements AutoCloseable {
        final List<Projection> projections;
        final Totals totals;
        /** Where each projection stands, in the order of {@link #projections}. */
        final List<Position> positions;
        Connection db;
        EventLog log;
        EntryReader reader;
        Map<Integer, Long> topicStart = Map.of();
        long startAfter;
        RequestJoin join;
        long lastIndex = -1;
        String checkpointName;
        Long lastTsUs;
        int batch;
        long lastCommitNanos = System.nanoTime();
        long lastPublishNanos = System.nanoTime();
        boolean publishPending;

        Run(List<Projection> projections, Totals totals) {
            this.projections = projections;
            this.totals = totals;
            this.positions = projections.stream().map(Position::new).toList();
        }

        void open(boolean wipe) {
            try {
                if (wipe && projections.stream().map(Projection::name).toList().containsAll(Projector.PROJECTIONS)) {
                    // Rebuilding everything: a fresh file is much faster than deleting millions of rows.
                    // Readers holding the old file open keep reading it until they reopen.
                    for (String suffix : new String[] {"", "-wal", "-shm"}) {
                        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(paths.dbPath() + suffix));
                    }
                }
                db = Database.open(paths.dbPath());
                if (wipe) {
                    for (Projection p : projections) {
                        p.wipe(db);
                        CheckpointStore.delete(db, p.name());
                        SourcePositionStore.delete(db, p.name());
                    }
                    db.commit();
                }
                Checkpoint slowest = null;
                boolean missing = false;
                List<Checkpoint> cps = new ArrayList<>();
                for (Projection p : projections) {
                    Optional<Checkpoint> saved = CheckpointStore.load(db, p.name());
                    Checkpoint cp = saved.orElse(Checkpoint.initial(p.name()));
                    missing |= saved.isEmpty();
                    cps.add(cp);
                    if (slowest == null || cp.index() < slowest.index()) {
                        slowest = cp;
                    }
                }
                for (int i = 0; i < positions.size(); i++) {
                    Checkpoint cp = cps.get(i);
                    Position pos = positions.get(i);
                    pos.projection.open(db, cp);
                    pos.at = cp.index();
                    pos.events = cp.events();
                    pos.unreadable = cp.unreadable();
                }
                if (missing) {
                    // Record where file projections start, so a kill before the first batch still cuts back.
                    for (int i = 0; i < projections.size(); i++) {
                        Checkpoint cp = cps.get(i);
                        if (CheckpointStore.load(db, cp.name()).isEmpty()) {
                            Projection p = projections.get(i);
                            CheckpointStore.save(db, new Checkpoint(cp.name(), cp.index(), 0, 0, null, p.fileLength(),
                                    "", p.state()));
                        }
                    }
                    db.commit();
                }
                join = RequestJoin.restore(slowest.joinState(), settings.lostAfter());
                lastTsUs = slowest.lastTsUs();
                lastIndex = slowest.index();
                startAfter = slowest.index();
                checkpointName = slowest.name();
                if (topic != null) {
                    topicStart = topicStart(cps);
                    return;
                }
                for (Projection p : projections) {
                    if (SourcePositionStore.load(db, p.name()).isPresent()) {
                        throw new ProjectorException("projection " + p.name() + " in " + paths.dbPath()
                                + " is built from a team topic; give its --source, or run --rebuild to build it from the local log");
                    }
                }
                log = EventLog.open(paths.queueDir());
                if (startAfter > log.lastIndex()) {
                    // The log lost entries the projections already hold (the queue was deleted or replaced).
                    throw new ProjectorException("the checkpoint of " + checkpointName + " (index 0x"
                            + Long.toHexString(startAfter) + ") is not in the log at " + paths.queueDir()
                            + "; run bin/ccp-projector --rebuild");
                }
            } catch (SQLException | IOException e) {
                throw new StoreFailure(e.getMessage(), e);
            }
        }

        void loop(Mode mode, Progress progress, BooleanSupplier stop) {
            long startIndex = lastIndex;
            reader = topic != null ? new TopicReader(topic, topicStart, startAfter, mode == Mode.FOLLOW)
                    : new LogReader(log, startAfter, mode == Mode.FOLLOW);
            long total = progress == Progress.NONE ? 0 : log != null ? log.countAfter(startIndex) : awaitLag();
            long done = 0;
            long runStart = System.nanoTime();
            long lastProgress = runStart;
            long lastLag = 0;
            int batchSize = settings.batchSize() > 0 ? settings.batchSize() : mode == Mode.ONCE ? 65_536 : 4_096;
            while (!stop.getAsBoolean()) {
                List<LogEntry> chunk;
                try {
                    chunk = reader.poll(100);
                } catch (IndexNotInLogException e) {
                    throw new ProjectorException("the checkpoint of " + checkpointName + " (index 0x"
                            + Long.toHexString(startAfter) + ") is not in the log at " + paths.queueDir()
                            + "; run bin/ccp-projector --rebuild");
                } catch (RuntimeException e) {
                    if (e.getMessage() != null && e.getMessage().contains("is not in the log")) {
                        throw new ProjectorException("the checkpoint of " + checkpointName + " (index 0x"
                                + Long.toHexString(startAfter) + ") is not in the log at " + paths.queueDir()
                                + "; run bin/ccp-projector --rebuild");
                    }
                    throw new ProjectorException(topic != null ? e.getMessage()
                            : "cannot read the log at " + paths.queueDir() + ": " + e.getMessage(), e);
                }
                long now = System.nanoTime();
                if (chunk == null || chunk == LogReader.CAUGHT_UP) {
                    boolean publishDue = now - lastPublishNanos >= settings.rollupInterval().toNanos();
                    if (batch > 0 || (publishDue && publishPending)) {
                        commit(publishDue, false);
                    }
                    if (mode == Mode.ONCE && chunk == LogReader.CAUGHT_UP) {
                        break;
                    }
                    totals.skips.endOfStretch();
                    idle();
                    if (now - lastLag >= LAG_EVERY_NANOS) {
                        metrics.lag(lag());
                        lastLag = now;
                    }
                    continue;
                }
                for (LogEntry entry : chunk) {
                    apply(entry);
                }
                done += chunk.size();
                if (batch >= batchSize || now - lastCommitNanos >= COMMIT_EVERY_NANOS) {
                    // --once/--rebuild publish with every transaction: rollups fold from the batch still in memory.
                    commit(mode == Mode.ONCE || now - lastPublishNanos >= settings.rollupInterval().toNanos(), false);
                    if (mode == Mode.FOLLOW && now - lastLag >= LAG_EVERY_NANOS) {
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

        long lag() {
            return log != null ? log.countAfter(lastIndex) : reader.lag();
        }

        /** The topic's backlog as the reader first sees it (for the progress bar). */
        long awaitLag() {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (reader.lag() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000_000L);
            }
            return reader.lag();
        }

        /**
         * Where the topic is read from: the saved offsets of the slowest projection. Projections of one
         * team database move together (one run, one transaction); if they stand at different places
         * (some were run alone with --only), the slowest one's offsets only fit the others if they are
         * no further along, which is checked.
         */
        Map<Integer, Long> topicStart(List<Checkpoint> cps) throws SQLException {
            Map<Integer, Long> start = null;
            for (int i = 0; i < projections.size(); i++) {
                Checkpoint cp = cps.get(i);
                var saved = SourcePositionStore.load(db, cp.name());
                if (cp.index() >= 0 && saved.isEmpty()) {
                    throw new ProjectorException("projection " + cp.name() + " in " + paths.dbPath()
                            + " is built from the local log, not from " + topic.uri()
                            + "; use another CCP_DB_PATH for the team projections, or run --rebuild");
                }
                if (saved.isPresent() && !saved.get().source().equals(topic.topic())) {
                    throw new ProjectorException("projection " + cp.name() + " in " + paths.dbPath() + " is built from topic "
                            + saved.get().source() + ", not " + topic.topic() + "; run --rebuild to build it from this one");
                }
                if (cp.index() != startAfter) {
                    throw new ProjectorException("the projections in " + paths.dbPath() + " stand at different places of "
                            + topic.topic() + " (" + cp.name() + " at " + cp.index() + ", " + checkpointName + " at "
                            + startAfter + "); run them together, or --rebuild");
                }
                if (start == null) {
                    start = saved.map(sp -> TopicSource.parsePosition(sp.position())).orElse(Map.of());
                }
            }
            return start == null ? Map.of() : start;
        }

        void idle() {
            try {
                for (Projection p : projections) {
                    p.idle();
                }
            } catch (IOException e) {
                throw new StoreFailure(e.getMessage(), e);
            }
        }

        void apply(LogEntry entry) {
            long index = entry.index();
            switch (entry) {
                case LogEntry.Read r -> {
                    if (r.member() != null) {
                        join.shippedBy(r.event().instance(), r.member());
                    }
                    List<FinishedRequest> finished = pricer.price(join.apply(index, r.event()));
                    for (FinishedRequest f : finished) {
                        metrics.priced(f.lane(), f.model(), f.cost(), f.saved());
                    }
                    lastTsUs = join.clockUs();
                    for (Position pos : positions) {
                        if (index > pos.at) {
                            pos.projection.apply(index, r.event(), finished, join);
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

        void commit(boolean publish, boolean last) {
            String topicPosition = reader != null ? reader.positionAfterPolled() : null;
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
                            joinState = join.snapshot();
                        }
                        CheckpointStore.save(db, new Checkpoint(p.name(), lastIndex, pos.events, pos.unreadable, lastTsUs,
                                p.fileLength(), joinState, p.state()));
                        if (topicPosition != null) {
                            SourcePositionStore.save(db, p.name(),
                                    new SourcePositionStore.SourcePosition(topic.topic(), topicPosition));
                        }
                        pos.at = lastIndex;
                    }
                    if (publish) {
                        p.publish(db, pos.at, join.clockUs());
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
                for (Projection p : projections) {
                    p.afterCommit(last);
                }
            } catch (IOException e) {
                throw new StoreFailure(e.getMessage(), e);
            }
            batch = 0;
            lastCommitNanos = System.nanoTime();
        }

        @Override
        public void close() {
            projections.forEach(Projection::close);
            if (reader != null) {
                reader.close();
            }
            if (log != null) {
                log.close();
            }
            if (db != null) {
                try {
                    db.close();
                } catch (SQLException ignored) {
                    // Nothing left to save.
                }
            }
        }
    }
}
