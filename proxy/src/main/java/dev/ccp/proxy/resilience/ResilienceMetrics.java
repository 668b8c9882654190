package dev.ccp.proxy.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guide's counters: {@code ccp_preferred_attempt_total{provider}} (tries on the provider routing
 * chose), {@code ccp_rerouted_on_limit_total{from,to,reason}}, {@code ccp_wasted_retry_ms_total{provider}}
 * (time spent on attempts that were then abandoned), plus {@code ccp_backoff_retries_total{provider,reason}}
 * and {@code ccp_fallback_401_total{provider}}.
 */
public final class ResilienceMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ResilienceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers the guide's counters at zero for the catalog's providers, so that {@code /metrics}
     * shows them before they first count: {@code ccp_preferred_attempt_total} and
     * {@code ccp_wasted_retry_ms_total} per provider, {@code ccp_rerouted_on_limit_total} from each
     * other provider to the default one for each limit answer (429, 529, 1113).
     */
    public void registerAtZero(java.util.Collection<String> providers, String defaultProvider) {
        for (String p : providers) {
            counter("ccp.preferred.attempt", "tries on the provider routing chose", "provider", p);
            counter("ccp.wasted.retry.ms", "milliseconds spent on attempts that were abandoned", "provider", p);
            if (!p.equals(defaultProvider)) {
                for (String reason : java.util.List.of("429", "529", "1113")) {
                    counter("ccp.rerouted.on.limit", "requests moved to the fallback after a limit answer",
                            "from", p, "to", defaultProvider, "reason", reason);
                }
            }
        }
    }

    void preferredAttempt(String provider) {
        counter("ccp.preferred.attempt", "tries on the provider routing chose", "provider", provider).increment();
    }

    void rerouted(String from, String to, String reason) {
        counter("ccp.rerouted.on.limit", "requests moved to the fallback after a limit answer",
                "from", from, "to", to, "reason", reason).increment();
    }

    void wasted(String provider, long durationUs) {
        counter("ccp.wasted.retry.ms", "milliseconds spent on attempts that were abandoned", "provider", provider)
                .increment(durationUs / 1000.0);
    }

    void backoff(String provider, String reason) {
        counter("ccp.backoff.retries", "retries of the same provider after a limit answer",
                "provider", provider, "reason", reason).increment();
    }

    void fallback401(String provider) {
        counter("ccp.fallback.401", "requests served by the default provider after a 401 from a keyed one",
                "provider", provider).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join(" ", tags), k -> Counter.builder(name).tags(tags)
                .description(description).register(registry));
    }
}
