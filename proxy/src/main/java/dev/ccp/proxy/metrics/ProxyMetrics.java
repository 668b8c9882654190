package dev.ccp.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's Prometheus registry: {@code ccp_requests_total{lane,op,status}}, request duration and
 * time-to-first-byte histograms, {@code ccp_inflight_requests}, {@code ccp_tokens_total{lane,kind}}
 * and the event-log counters. Labels never hold a credential: lane is a provider name.
 */
public final class ProxyMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inflight = new AtomicInteger();
    // Meters are looked up per request: cache them by their tags rather than rebuild each time.
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    public ProxyMetrics() {
        Gauge.builder("ccp.inflight.requests", inflight, AtomicInteger::get)
                .description("requests being served now")
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Registers the event log's append, error and wait-timeout counters, read from the writer. */
    public <T> void eventLog(T writer, ToDoubleFunction<T> appends, ToDoubleFunction<T> errors,
                             ToDoubleFunction<T> waitTimeouts) {
        FunctionCounter.builder("ccp.event.log.appends", writer, appends)
                .description("events appended to the log").register(registry);
        FunctionCounter.builder("ccp.event.log.append.errors", writer, errors)
                .description("events that could not be appended (failed or dropped)").register(registry);
        FunctionCounter.builder("ccp.event.log.wait.timeouts", writer, waitTimeouts)
                .description("answers sent before their completion was in the log (CCP_COMPLETION_WAIT ran out)")
                .register(registry);
    }

    public void requestStarted() {
        inflight.incrementAndGet();
    }

    /**
     * One lane and op's meters, looked up per request with two map reads and no key to build: a
     * key string concatenated per meter and request was ~1.5 % of the proxy's CPU samples at saturation.
     */
    private final class LaneOp {
        final Timer duration;
        final Timer ttfb;
        /** ccp_requests_total by status (100-599; others share one map). */
        final java.util.concurrent.atomic.AtomicReferenceArray<Counter> byStatus = new java.util.concurrent.atomic.AtomicReferenceArray<>(600);
        final String lane;
        final String op;

        LaneOp(String lane, String op) {
            this.lane = lane;
            this.op = op;
            duration = Timer.builder("ccp.request.duration").tags("lane", lane, "op", op)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry);
            ttfb = Timer.builder("ccp.time.to.first.byte").tags("lane", lane, "op", op)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry);
        }

        Counter requests(int status) {
            if (status < 0 || status >= byStatus.length()) {
                return counters.computeIfAbsent("r " + lane + " " + op + " " + status, k -> requestCounter(status));
            }
            Counter c = byStatus.get(status);
            if (c == null) {
                // The registry returns the same meter for the same tags, so a lost race costs nothing.
                c = requestCounter(status);
                byStatus.set(status, c);
            }
            return c;
        }

        private Counter requestCounter(int status) {
            return Counter.builder("ccp.requests")
                    .tags("lane", lane, "op", op, "status", Integer.toString(status))
                    .description("requests served").register(registry);
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, LaneOp>> laneOps =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, Counter>> tokenCounters =
            new java.util.concurrent.ConcurrentHashMap<>();

    private LaneOp laneOp(String lane, String op) {
        var ops = laneOps.get(lane);
        if (ops == null) {
            ops = laneOps.computeIfAbsent(lane, k -> new java.util.concurrent.ConcurrentHashMap<>());
        }
        LaneOp m = ops.get(op);
        return m != null ? m : ops.computeIfAbsent(op, k -> new LaneOp(lane, op));
    }

    /**
     * @param lane   provider that served it ({@code proxy} when the proxy answered itself)
     * @param op     {@code stream}, {@code nonstream} or {@code count_tokens}
     * @param ttfbNanos -1 when no byte reached the client
     */
    public void requestFinished(String lane, String op, int status, long durationNanos, long ttfbNanos) {
        inflight.decrementAndGet();
        LaneOp m = laneOp(lane, op);
        m.requests(status).increment();
        m.duration.record(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (ttfbNanos >= 0) {
            m.ttfb.record(ttfbNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    public void tokens(String lane, String kind, long count) {
        if (count > 0) {
            var kinds = tokenCounters.get(lane);
            if (kinds == null) {
                kinds = tokenCounters.computeIfAbsent(lane, k -> new java.util.concurrent.ConcurrentHashMap<>());
            }
            Counter c = kinds.get(kind);
            if (c == null) {
                c = kinds.computeIfAbsent(kind, k -> Counter.builder("ccp.tokens").tags("lane", lane, "kind", kind)
                        .description("tokens reported by providers").register(registry));
            }
            c.increment(count);
        }
    }

    /** Rate-limit headers of a provider's answer that could not be read (ignored; counted here and in the event). */
    public void rateLimitHeadersMalformed(String provider, int count) {
        counters.computeIfAbsent("m " + provider, k -> Counter.builder("ccp.ratelimit.headers.malformed").tags("provider", provider)
                .description("rate-limit headers whose value could not be read").register(registry)).increment(count);
    }

    public String scrape() {
        return registry.scrape();
    }
}
