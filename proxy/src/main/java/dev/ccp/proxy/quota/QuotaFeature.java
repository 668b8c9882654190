package dev.ccp.proxy.quota;

import dev.ccp.events.Durations;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.policy.quota.QuotaLoader;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.events.EventSink;
import dev.ccp.proxy.metrics.ProxyMetrics;
import dev.ccp.proxy.ratelimit.ProviderWindows;
import dev.ccp.proxy.resilience.Backoff;
import dev.ccp.proxy.resilience.LimitPolicy;
import dev.ccp.proxy.resilience.ResilienceMetrics;
import dev.ccp.proxy.resilience.Sleeper;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Quotas and limit handling wired together: the quota monitor (config + polled state), the routing check and warn
 * header, {@code /v1/quotas}, and the limit/401 attempt policy. {@code ProxyServer.start} builds one;
 * tests may build their own with an injected {@link Sleeper}.
 *
 * <p>Variables: {@code CCP_QUOTAS_FILE} (the quotas file, see {@link QuotaLoader#activeFile}),
 * {@code CCP_QUOTA_POLL} (how often the projection is read, default 250ms), and the backoff ones
 * ({@link Backoff#fromEnv}).
 */
public final class QuotaFeature implements AutoCloseable {
    private final QuotaMonitor monitor;
    private final LimitPolicy limits;
    private final ResilienceMetrics resilienceMetrics;
    private final QuotaMetrics quotaMetrics;
    private final QuotaCheck check;
    private final QuotaService service;

    private QuotaFeature(QuotaMonitor monitor, LimitPolicy limits, ResilienceMetrics resilienceMetrics,
                         QuotaMetrics quotaMetrics, QuotaCheck check, QuotaService service) {
        this.monitor = monitor;
        this.limits = limits;
        this.resilienceMetrics = resilienceMetrics;
        this.quotaMetrics = quotaMetrics;
        this.check = check;
        this.service = service;
    }

    /**
     * Loads the active quotas file (failing the start with one line when it is broken) and builds the parts.
     *
     * @throws QuotaConfigException for a quotas file that cannot be used
     * @throws IllegalArgumentException for a wrong variable
     */
    public static QuotaFeature create(ProxyConfig config, InstantSource clock, Supplier<Catalog> catalog,
                                      ProxyMetrics metrics, Sleeper sleeper) {
        var env = config.env();
        Supplier<Set<String>> providers = () -> catalog.get().providers().keySet();
        QuotaConfig initial = QuotaLoader.loadActive(env, config.paths(), providers.get());
        Duration poll = Durations.fromEnv(env, "CCP_QUOTA_POLL", Duration.ofMillis(250));
        if (poll.isZero() || poll.isNegative()) {
            throw new IllegalArgumentException("CCP_QUOTA_POLL must be above 0 (for example 250ms)");
        }
        // Team quotas: the standing may come from a team projection's database instead of this machine's.
        String teamDb = env.get("CCP_QUOTA_DB_PATH");
        java.nio.file.Path standing = teamDb == null || teamDb.isBlank() ? config.paths().dbPath()
                : config.paths().home().resolve(teamDb).normalize();
        QuotaMonitor monitor = new QuotaMonitor(standing, clock, poll, initial, providers);
        ResilienceMetrics rm = new ResilienceMetrics(metrics.registry());
        Catalog atStart = catalog.get();
        rm.registerAtZero(atStart.providers().keySet(), atStart.defaultProvider());
        QuotaMetrics qm = new QuotaMetrics(metrics.registry());
        LimitPolicy limits = new LimitPolicy(catalog, monitor::config, env::get, Backoff.fromEnv(env), sleeper,
                RandomGenerator.getDefault(), clock, rm);
        QuotaCheck check = new QuotaCheck(monitor, env::get, qm);
        ProviderWindows windows = new ProviderWindows(config.paths().dbPath(), clock, Duration.ofSeconds(1));
        QuotaService service = new QuotaService(monitor, () -> QuotaLoader.activeFile(env, config.paths()), windows);
        return new QuotaFeature(monitor, limits, rm, qm, check, service);
    }

    /** Starts polling and records the quotas in force (ConfigChanged kind {@code quotas}). */
    public void start(EventSink events, String instance) {
        monitor.start(events, instance, quotaMetrics);
    }

    /** As {@link #start(EventSink, String)}, and reloads the quotas file in force when it changes (as the catalog). */
    public void start(EventSink events, String instance, Duration reloadEvery) {
        monitor.start(events, instance, quotaMetrics, reloadEvery);
    }

    public QuotaMonitor monitor() {
        return monitor;
    }

    /** The routing check (insert after {@code missing_credentials}) and the warn-header hook. */
    public QuotaCheck check() {
        return check;
    }

    /** Reroute on limit, backoff, 401 fallback; {@link LimitPolicy#lastUnauthorized()} is for /readyz. */
    public LimitPolicy limits() {
        return limits;
    }

    public QuotaService service() {
        return service;
    }

    /** The providers' own windows (Anthropic's 5-hour and 7-day use), for /v1/quotas and the window-offload rule. */
    public ProviderWindows windows() {
        return service.windows();
    }

    @Override
    public void close() {
        monitor.close();
    }
}
