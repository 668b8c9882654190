package dev.ccp.proxy.quota;

import dev.ccp.policy.quota.QuotaStanding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ccp_quota_used_percent{quota,window}} (gauge, from the last poll), {@code ccp_quota_warn_total{quota}}
 * (requests served while their quota was over warn_pct) and {@code ccp_quota_block_total{quota,action}}
 * ({@code fallback} or {@code refused}). Quota names come from the operator's file, never a secret.
 */
public final class QuotaMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public QuotaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void standing(QuotaStanding s) {
        gauge(s.quota().name(), "rolling").set(s.rollingPct());
        gauge(s.quota().name(), "weekly").set(s.weeklyPct());
    }

    void warned(String quota) {
        counters.computeIfAbsent("w " + quota, k -> Counter.builder("ccp.quota.warn").tag("quota", quota)
                .description("requests served while their quota was over warn_pct").register(registry)).increment();
    }

    void blocked(String quota, String action) {
        counters.computeIfAbsent("b " + quota + " " + action, k -> Counter.builder("ccp.quota.block")
                .tags("quota", quota, "action", action)
                .description("requests over a quota's block_pct, sent to the fallback or refused").register(registry)).increment();
    }

    private AtomicReference<Double> gauge(String quota, String window) {
        return gauges.computeIfAbsent(quota + " " + window, k -> {
            AtomicReference<Double> v = new AtomicReference<>(0.0);
            Gauge.builder("ccp.quota.used.percent", v, AtomicReference::get).tags("quota", quota, "window", window)
                    .description("use of the quota's window, percent of its tightest cap").register(registry);
            return v;
        });
    }
}
