package dev.ccp.proxy.quota;

import dev.ccp.readmodel.ReadModelQuotaUsage;
import dev.ccp.events.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Clocks;
import dev.ccp.events.Event;
import dev.ccp.events.Ids;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaConfigException;
import dev.ccp.policy.quota.QuotaJson;
import dev.ccp.policy.quota.QuotaLoader;
import dev.ccp.policy.quota.QuotaState;
import dev.ccp.policy.quota.QuotaUsageReader;
import dev.ccp.proxy.control.FileWatch;
import dev.ccp.proxy.events.EventSink;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The proxy's view of the quotas: the config in force (swapped whole by a reload) and the state read
 * from the projection by one background thread a few times a second. The request path only reads
 * the last {@link QuotaState}; it never touches SQLite.
 */
public final class QuotaMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(QuotaMonitor.class.getName());
    private static final ObjectMapper JSON = Json.MAPPER;

    private final Path db;
    private final InstantSource clock;
    private final Duration pollEvery;
    private final Supplier<Set<String>> providers;
    private final AtomicReference<QuotaConfig> config;
    private final AtomicReference<QuotaState> state;
    private final QuotaUsageReader reader;
    private volatile EventSink events = e -> {
    };
    private volatile String instance = "px_unknown";
    private volatile QuotaMetrics metrics;
    private ScheduledExecutorService poller;
    /** The file in force with the digest of what was loaded from it; null when none is. */
    private volatile FileWatch watch;
    private long lastFailureLogNanos = Long.MIN_VALUE;

    /**
     * @param providers the catalog's provider names, to check a reloaded file against
     */
    public QuotaMonitor(Path db, InstantSource clock, Duration pollEvery, QuotaConfig initial,
                        Supplier<Set<String>> providers) {
        this.db = db;
        this.clock = clock;
        this.pollEvery = pollEvery;
        this.providers = providers;
        this.config = new AtomicReference<>(initial);
        this.state = new AtomicReference<>(QuotaState.empty(initial, clock.instant()));
        this.reader = ReadModelQuotaUsage.reader(db);
        this.watch = "none".equals(initial.source()) ? null : new FileWatch(Path.of(initial.source()));
    }

    /**
     * Starts polling, and records the config in force as a ConfigChanged event. Every {@code reloadEvery}
     * (zero: never) the file in force is looked at and reloaded when its content changed, as the
     * catalog files are: editing it needs no {@code cc quotas reload}.
     */
    public synchronized void start(EventSink sink, String instanceId, QuotaMetrics quotaMetrics, Duration reloadEvery) {
        start(sink, instanceId, quotaMetrics);
        if (!reloadEvery.isZero() && !reloadEvery.isNegative()) {
            poller.scheduleWithFixedDelay(this::reloadIfChanged, reloadEvery.toNanos(), reloadEvery.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** Starts polling, and records the config in force as a ConfigChanged event. */
    public synchronized void start(EventSink sink, String instanceId, QuotaMetrics quotaMetrics) {
        this.events = sink;
        this.instance = instanceId;
        this.metrics = quotaMetrics;
        changed(config.get(), true, null, config.get().source());
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ccp-quota-poll");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, pollEvery.toNanos(), TimeUnit.NANOSECONDS);
    }

    public QuotaConfig config() {
        return config.get();
    }

    /** The last state read; its config is the one it was computed for. */
    public QuotaState state() {
        return state.get();
    }

    public Path database() {
        return db;
    }

    /**
     * Loads {@code file} and puts it in force; on any problem the old config stays and the refusal is
     * recorded too. Either way a ConfigChanged event says so.
     *
     * @throws QuotaConfigException with the reason, when the file is refused
     */
    public QuotaConfig reload(Path file) {
        // Digest before reading: an edit landing during the load is then seen as a change and loaded too.
        FileWatch loading = new FileWatch(file.toAbsolutePath().normalize());
        QuotaConfig next;
        try {
            next = QuotaLoader.load(file, providers.get());
        } catch (QuotaConfigException e) {
            changed(null, false, e.getMessage(), file.toAbsolutePath().normalize().toString());
            throw e;
        }
        config.set(next);
        watch = loading;
        changed(next, true, null, next.source());
        if (poller != null) {
            poller.execute(this::poll);
        } else {
            poll();
        }
        return next;
    }

    /** Reloads the file in force when its content changed; a refused file leaves the quotas in force. */
    void reloadIfChanged() {
        FileWatch w = watch;
        if (w == null || !w.changed()) {
            return;
        }
        Path inForce = w.file();
        try {
            reload(inForce);
            LOG.log(System.Logger.Level.INFO, "[ccp] quotas reloaded from " + inForce + " (the file changed)");
        } catch (QuotaConfigException e) {
            LOG.log(System.Logger.Level.WARNING, "[ccp] quotas reload refused, the quotas loaded before stay in force: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "[ccp] quotas reload failed, the quotas loaded before stay in force: " + e.getMessage());
        }
    }

    /** One read of the projection (the poller's loop body). */
    void poll() {
        QuotaConfig c = config.get();
        try {
            QuotaState s = reader.read(c, clock.instant());
            state.set(s);
            QuotaMetrics m = metrics;
            if (m != null) {
                s.inOrder().forEach(m::standing);
            }
        } catch (SQLException | RuntimeException e) {
            reader.reset();
            long now = System.nanoTime();
            if (lastFailureLogNanos == Long.MIN_VALUE || now - lastFailureLogNanos > 60_000_000_000L) {
                lastFailureLogNanos = now;
                LOG.log(System.Logger.Level.WARNING, "cannot read quota usage from " + db + ": " + e.getMessage()
                        + " (the last state stays in force; retrying)");
            }
        }
    }

    private void changed(QuotaConfig c, boolean accepted, String error, String source) {
        String detail = null;
        if (c != null) {
            try {
                detail = JSON.writeValueAsString(QuotaJson.config(c));
            } catch (JsonProcessingException e) {
                detail = null;
            }
        }
        long ts = Clocks.micros(clock);
        events.offer(new Event.ConfigChanged(Ids.eventId(ts), null, ts, instance, "quotas", source, accepted, detail, error));
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poller = null;
        }
        reader.close();
    }
}
