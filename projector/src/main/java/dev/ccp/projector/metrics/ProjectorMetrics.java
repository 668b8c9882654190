package dev.ccp.projector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The projector's own metrics, in Prometheus text: {@code ccp_store_writes_total},
 * {@code ccp_store_write_errors_total}, {@code ccp_rollup_duration_seconds}, {@code ccp_store_size_bytes},
 * {@code ccp_projector_lag_events}, {@code ccp_projector_unreadable_events_total},
 * {@code ccp_projector_events_total{projection}}, and what the requests this
 * process projected cost: {@code ccp_cost_usd_total{lane,model}} (what the serving provider charged, per token),
 * {@code ccp_saved_usd_total} (list price minus cost over offloaded requests) and
 * {@code ccp_unpriced_requests_total}. Exact figures are in the projections; these are for dashboards.
 */
public final class ProjectorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter storeWrites;
    private final Counter storeWriteErrors;
    private final Timer rollupDuration;
    private final Counter unreadable;
    private final AtomicLong lag = new AtomicLong();
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> costs = new ConcurrentHashMap<>();
    private final Counter saved;
    private final Counter unpriced;

    public ProjectorMetrics(LongSupplier storeSizeBytes) {
        storeWrites = Counter.builder("ccp.store.writes")
                .description("rows written to the SQLite projection (samples, quota minutes, rollups)")
                .register(registry);
        storeWriteErrors = Counter.builder("ccp.store.write.errors")
                .description("projection transactions that failed and were retried from the checkpoint")
                .register(registry);
        unreadable = Counter.builder("ccp.projector.unreadable.events")
                .description("unreadable events in the log, skipped and counted")
                .register(registry);
        rollupDuration = Timer.builder("ccp.rollup.duration")
                .description("time to publish hourly and daily rollups")
                .register(registry);
        Gauge.builder("ccp.store.size.bytes", storeSizeBytes::getAsLong)
                .description("size of the SQLite projection with its write-ahead log")
                .register(registry);
        Gauge.builder("ccp.projector.lag.events", lag::get)
                .description("events in the log not yet applied by the slowest projection of this process")
                .register(registry);
        saved = Counter.builder("ccp.saved.usd")
                .description("list price minus cost over offloaded requests, in USD")
                .register(registry);
        unpriced = Counter.builder("ccp.unpriced.requests")
                .description("requests with tokens whose model has no price in the table")
                .register(registry);
    }

    /**
     * One priced request: {@code cost} and {@code saved} in pico-dollars, {@code cost} null when unpriced.
     */
    public void priced(String lane, String model, Long cost, long savedPicos) {
        if (cost == null) {
            unpriced.increment();
            return;
        }
        String l = lane == null ? "unknown" : lane;
        String m = model == null ? "unknown" : model;
        // By lane, then model: no key text made per request.
        costs.computeIfAbsent(l, k -> new ConcurrentHashMap<>()).computeIfAbsent(m, k -> Counter.builder("ccp.cost.usd")
                .description("what the serving providers charged, per token, in USD")
                .tags("lane", l, "model", m)
                .register(registry)).increment(cost / 1e12);
        if (savedPicos != 0) {
            saved.increment(savedPicos / 1e12);
        }
    }

    public void storeWrites(long rows) {
        storeWrites.increment(rows);
    }

    public void storeWriteError() {
        storeWriteErrors.increment();
    }

    public void unreadable() {
        unreadable.increment();
    }

    public long unreadableCount() {
        return (long) unreadable.count();
    }

    public void rollupTook(Duration d) {
        rollupDuration.record(d);
    }

    public void lag(long events) {
        lag.set(events);
    }

    public void applied(String projection, long n) {
        events.computeIfAbsent(projection, p -> Counter.builder("ccp.projector.events")
                .description("events applied, per projection")
                .tag("projection", p)
                .register(registry)).increment(n);
    }

    public String scrape() {
        return registry.scrape();
    }
}
