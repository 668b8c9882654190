package dev.ccp.projector.follow;

import dev.ccp.events.CcpPaths;
import dev.ccp.projector.Progress;
import dev.ccp.projector.ProjectionBusyException;
import dev.ccp.projector.ProjectorException;
import dev.ccp.projector.Settings;
import dev.ccp.projector.Summary;
import dev.ccp.projector.TopicSource;
import dev.ccp.projector.checkpoint.ProjectionLock;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.projection.Projection;
import dev.ccp.projector.projection.RequestPricer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The projector's loop: reads the log (or a team topic) from the slowest projection's checkpoint, runs
 * each entry through the shared request join and every projection whose checkpoint is behind it, and
 * every batch saves each projection's output with its checkpoint in one transaction.
 *
 * <p>Its parts: this class holds the projections' locks for the run and starts a new {@link Pass}
 * after a store failure; a pass opens at its {@link StartingPoint}, reads chunks and paces the commits;
 * the {@link BatchApplier} applies the entries and commits each batch.
 */
public final class TailLoop {
    private static final Logger LOG = Logger.getLogger(TailLoop.class.getName());
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
                try (Pass pass = new Pass(paths, settings, metrics, pricer, topic, projectionFactory.get(), totals, wipe)) {
                    wipe = false;
                    pass.loop(mode, progress, stop);
                    return new Summary(names, totals.applied, totals.unreadable, totals.lastIndex, pass.orphaned(),
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
}
