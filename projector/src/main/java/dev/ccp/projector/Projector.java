package dev.ccp.projector;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.EventLog;
import dev.ccp.policy.price.LivePrices;
import dev.ccp.policy.price.PriceException;
import dev.ccp.policy.price.PriceFiles;
import dev.ccp.projector.follow.TailLoop;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.projection.MetricsProjection;
import dev.ccp.projector.projection.PartialsProjection;
import dev.ccp.projector.projection.Projection;
import dev.ccp.projector.projection.RequestPricer;
import dev.ccp.projector.projection.SqliteProjection;
import dev.ccp.projector.projection.UsageJsonlProjection;
import dev.ccp.readmodel.Checkpoint;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.Database;
import dev.ccp.readmodel.ProjectionStatus;
import dev.ccp.readmodel.ReadModelException;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The projector's public API, for {@code bin/ccp-projector} and for the CLI in-process
 * ({@code cc summarize}, {@code cc replay}, {@code cc db status}). See docs/PROJECTIONS.md.
 */
public final class Projector {
    private static final System.Logger LOG = System.getLogger(Projector.class.getName());
    /** Every projection, in the order they are applied. */
    public static final List<String> PROJECTIONS = List.of(
            UsageJsonlProjection.NAME, SqliteProjection.NAME, MetricsProjection.NAME, PartialsProjection.NAME);

    private Projector() {
    }

    /**
     * Brings the projections ({@code only}; empty or null = all) up to the end of the log and returns.
     * When another projector process is building them (for example {@code make run}), it waits up to
     * 30 s for that process to reach the end of the log as it was when called, and returns a summary
     * with nothing applied by this call.
     *
     * @throws ProjectionBusyException when another process holds them and does not catch up in time
     */
    public static Summary catchUp(CcpPaths paths, Set<String> only) {
        return catchUp(paths, only, Settings.fromEnvironment(), Progress.NONE);
    }

    public static Summary catchUp(CcpPaths paths, Set<String> only, Settings settings, Progress progress) {
        long started = System.nanoTime();
        try {
            return run(paths, only, settings, TailLoop.Mode.ONCE, false, progress, () -> false, metricsFor(paths));
        } catch (ProjectionBusyException busy) {
            List<String> names = select(only);
            if (awaitCurrent(paths, names, Duration.ofSeconds(30))) {
                return new Summary(names, 0, 0, lastIndex(paths), 0, System.nanoTime() - started);
            }
            throw busy;
        }
    }

    /**
     * Waits until every named projection's checkpoint has reached the last event in the log at the
     * time of the call; false on timeout.
     */
    public static boolean awaitCurrent(CcpPaths paths, Collection<String> projections, Duration timeout) {
        long target = lastIndex(paths);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            java.util.Map<String, Long> at = new java.util.HashMap<>();
            for (ProjectionStatus s : status(paths)) {
                at.put(s.name(), s.index());
            }
            if (projections.stream().allMatch(p -> at.getOrDefault(p, -1L) >= target)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }

    private static long lastIndex(CcpPaths paths) {
        if (!Files.isDirectory(paths.queueDir())) {
            return -1;
        }
        try (EventLog log = EventLog.open(paths.queueDir())) {
            return log.lastIndex();
        }
    }

    /** Wipes the projections ({@code only}; empty or null = all) and rebuilds them from the first event. */
    public static Summary rebuild(CcpPaths paths, Set<String> only, Progress progress) {
        return rebuild(paths, only, Settings.fromEnvironment(), progress);
    }

    public static Summary rebuild(CcpPaths paths, Set<String> only, Settings settings, Progress progress) {
        return run(paths, only, settings, TailLoop.Mode.ONCE, true, progress, () -> false, metricsFor(paths));
    }

    /** Follows the log until {@code stop} says so (optionally after a rebuild). */
    public static Summary follow(CcpPaths paths, Set<String> only, Settings settings, boolean rebuildFirst,
                                 Progress progress, ProjectorMetrics metrics, BooleanSupplier stop) {
        return run(paths, only, settings, TailLoop.Mode.FOLLOW, rebuildFirst, progress, stop, metrics);
    }

    /** The checkpoints saved in the database, with each one's lag behind the log; empty when there is no database. */
    public static List<ProjectionStatus> status(CcpPaths paths) {
        try {
            return CheckpointStore.status(paths);
        } catch (ReadModelException e) {
            throw new ProjectorException(e.getMessage(), e.getCause());
        }
    }

    /** Validates and orders a set of projection names; empty or null means all of them. */
    public static List<String> select(Collection<String> only) {
        if (only == null || only.isEmpty()) {
            return PROJECTIONS;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : only) {
            String n = name.trim();
            if (!PROJECTIONS.contains(n)) {
                throw new IllegalArgumentException("unknown projection '" + n + "' (known: " + String.join(",", PROJECTIONS) + ")");
            }
            wanted.add(n);
        }
        return PROJECTIONS.stream().filter(wanted::contains).toList();
    }

    static List<Projection> create(CcpPaths paths, List<String> names, Settings settings, ProjectorMetrics metrics,
                                   Duration metricsPace) {
        List<Projection> out = new ArrayList<>();
        for (String name : names) {
            out.add(switch (name) {
                case UsageJsonlProjection.NAME -> new UsageJsonlProjection(paths.usageJsonl());
                case SqliteProjection.NAME -> new SqliteProjection(settings.sampleTtl(), metrics);
                case MetricsProjection.NAME -> new MetricsProjection(paths.metricsJson(), metricsPace);
                case PartialsProjection.NAME -> new PartialsProjection(paths.partialsDir());
                default -> throw new IllegalArgumentException("unknown projection " + name);
            });
        }
        return out;
    }

    private static ProjectorMetrics metricsFor(CcpPaths paths) {
        return new ProjectorMetrics(() -> Database.sizeBytes(paths.dbPath()));
    }

    private static Summary run(CcpPaths paths, Set<String> only, Settings settings, TailLoop.Mode mode, boolean rebuild,
                               Progress progress, BooleanSupplier stop, ProjectorMetrics metrics) {
        List<String> names = select(only);
        Duration pace = Duration.ofNanos(TailLoop.metricsPaceNanos());
        RequestPricer pricer = new RequestPricer(prices(paths, System.getenv()));
        TailLoop loop = new TailLoop(paths, settings, metrics, () -> create(paths, names, settings, metrics, pace), pricer);
        return loop.run(mode, rebuild, progress, stop);
    }

    /**
     * The price table of {@code configs/prices.yaml}, {@code ~/.config/ccp/prices.yaml} and
     * {@code CCP_PRICES_FILE}, looked at again once a second.
     *
     * @throws PriceException when it cannot be used at start (FILE:LINE: why)
     */
    public static LivePrices prices(CcpPaths paths, java.util.Map<String, String> env) {
        return LivePrices.load(PriceFiles.of(paths, env, null), null, java.time.InstantSource.system(),
                Duration.ofSeconds(1), line -> LOG.log(System.Logger.Level.INFO, line));
    }
}
