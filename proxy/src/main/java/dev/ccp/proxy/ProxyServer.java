package dev.ccp.proxy;

import dev.ccp.events.Clocks;
import dev.ccp.events.Durations;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.Ids;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.proxy.admin.AdminService;
import dev.ccp.proxy.control.ControlPlane;
import dev.ccp.proxy.events.AsyncEventWriter;
import dev.ccp.proxy.http.HealthService;
import dev.ccp.proxy.http.MessagesService;
import dev.ccp.proxy.http.PassthroughService;
import dev.ccp.proxy.metrics.MetricsService;
import dev.ccp.proxy.metrics.ProxyMetrics;
import dev.ccp.proxy.quota.QuotaCheck;
import dev.ccp.proxy.quota.QuotaFeature;
import dev.ccp.proxy.quota.QuotaService;
import dev.ccp.proxy.readiness.ProviderProbe;
import dev.ccp.proxy.readiness.ReadinessService;
import dev.ccp.proxy.readiness.UpstreamErrors;
import dev.ccp.proxy.readside.UsageReadService;
import dev.ccp.proxy.resilience.Sleeper;
import dev.ccp.proxy.routing.RoutingPolicy;
import dev.ccp.proxy.sampling.BodySampling;
import dev.ccp.proxy.upstream.AttemptPolicy;
import dev.ccp.proxy.upstream.UpstreamClients;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The running proxy: event log and its writer, metrics, routing policy, upstream clients and the
 * Helidon WebServer. {@link #routing} is the one place endpoints are registered.
 */
public final class ProxyServer implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private final WebServer server;
    private final ProxyContext context;
    private final EventLog log;
    private final AsyncEventWriter writer;
    private final List<String> warnings;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ControlPlane control;
    private final QuotaFeature quotas;

    private ProxyServer(WebServer server, ProxyContext context, EventLog log, AsyncEventWriter writer, List<String> warnings,
                        ControlPlane control, QuotaFeature quotas) {
        this.control = control;
        this.server = server;
        this.quotas = quotas;
        this.context = context;
        this.log = log;
        this.writer = writer;
        this.warnings = warnings;
    }

    /**
     * Registers every endpoint: {@code /healthz}, {@code /metrics}, the Messages API, the context's
     * extra services ({@code /readyz}, {@code /admin}, {@code /v1/usage}…), and last the passthrough
     * of everything else.
     */
    public static void routing(HttpRouting.Builder routing, ProxyContext ctx) {
        routing.register("/healthz", new HealthService(ctx))
                .register("/metrics", new MetricsService(ctx.metrics()))
                .register(new MessagesService(ctx));
        for (ProxyContext.ExtraService extra : ctx.extraServices()) {
            routing.register(extra.path(), extra.service());
        }
        routing.register(new PassthroughService(ctx));
    }

    public static ProxyServer start(ProxyConfig config) {
        return start(config, InstantSource.system(), UnaryOperator.identity());
    }

    /**
     * Starts the proxy.
     *
     * @param customize adds features to the context before the server starts (routing checks, an
     *                  attempt policy, extra services)
     * @throws dev.ccp.policy.catalog.CatalogException for a catalog that cannot be used (file:line: why)
     */
    public static ProxyServer start(ProxyConfig config, InstantSource clock, UnaryOperator<ProxyContext> customize) {
        ControlPlane control = ControlPlane.load(config.catalogFiles(), config.env(), config.paths(), config.paused(), clock);
        checkPortFree(config.host(), config.port());
        String instance = Ids.instanceId();
        var env = config.env();
        Duration probeTtl = Durations.fromEnv(env, "CCP_PROBE_TTL", Duration.ofSeconds(30));
        Duration reloadEvery = Durations.fromEnv(env, "CCP_RELOAD_INTERVAL", Duration.ofSeconds(1));
        ProxyMetrics metrics = new ProxyMetrics();
        QuotaFeature quotas = QuotaFeature.create(config, clock, () -> control.catalog().catalog(), metrics, Sleeper.REAL);
        RoutingPolicy policy = control.routingPolicy()
                .add(QuotaCheck.NAME, quotas.check())
                .build();
        List<String> warnings = control.warnings();

        EventLog log = EventLog.open(config.paths().queueDir());
        AsyncEventWriter writer = new AsyncEventWriter(log::append, clock, 65_536);
        metrics.eventLog(writer, AsyncEventWriter::appends, AsyncEventWriter::appendErrors);
        UpstreamErrors upstreamErrors = new UpstreamErrors(clock);
        ProviderProbe probe = new ProviderProbe(clock, probeTtl,
                config.timeouts().dial().plus(config.timeouts().tls()));
        ProxyContext ctx = customize.apply(new ProxyContext(instance, VERSION, clock, policy,
                AttemptPolicy.firstOf(upstreamErrors.recorder(), control.attemptPolicy(), quotas.limits()),
                new UpstreamClients(config.timeouts(), config.forceH1()), writer, metrics, env::get,
                config.maxBodyBytes(),
                List.of(new ProxyContext.ExtraService(UsageReadService.PATH, new UsageReadService(config.paths().dbPath())),
                        new ProxyContext.ExtraService(QuotaService.PATH, quotas.service())),
                quotas.check(), BodySampling.OFF)
                .withExtraService("/readyz", new ReadinessService(control, probe, upstreamErrors, writer, log,
                        config.paths().dbPath(), Duration.ofSeconds(10)))
                .withExtraService("/admin", new AdminService(control)));

        // Set after the customizations, so no feature's context copy can drop it.
        ctx = ctx.withBodySampling(BodySampling.watching(config.teeFile(),
                control.catalog().catalog().providers().values().stream().map(Provider::authEnv)
                        .filter(java.util.Objects::nonNull).toList(),
                env::get, writer, clock, instance, BodySampling.RECHECK));
        ProxyContext serving = ctx;
        WebServer server;
        try {
            server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .maxPayloadSize(-1)
                    // SSE events are small writes flushed one by one: Nagle would hold them for the ACK.
                    .connectionOptions(so -> so.tcpNoDelay(true))
                    .shutdownHook(false)
                    .routing(r -> routing(r, serving))
                    .build()
                    .start();
        } catch (RuntimeException e) {
            control.close();
            quotas.close();
            writer.close(Duration.ofSeconds(5));
            log.close();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + " ("
                    + rootMessage(e) + ")", e);
        }
        if (!server.isRunning() || server.port() < 0) {
            control.close();
            quotas.close();
            writer.close(Duration.ofSeconds(5));
            log.close();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port());
        }
        writer.offer(new Event.ProxyStarted(Ids.eventId(Clocks.micros(clock)), null, Clocks.micros(clock), instance,
                VERSION, config.host(), server.port(), ProcessHandle.current().pid(), warnings));
        control.start(writer, instance, reloadEvery);
        quotas.start(writer, instance, reloadEvery);
        return new ProxyServer(server, serving, log, writer, warnings, control, quotas);
    }

    public int port() {
        return server.port();
    }

    public ProxyContext context() {
        return context;
    }

    /** One line per thing that is missing or changes routing (e.g. an unset key variable). */
    public List<String> warnings() {
        return warnings;
    }

    /** The live catalog, kill switch, model override and license. */
    public ControlPlane control() {
        return control;
    }

    /** Quotas and limit handling (issue 7): the monitor, {@code quotas().limits().lastUnauthorized()} for /readyz. */
    public QuotaFeature quotas() {
        return quotas;
    }

    public AsyncEventWriter eventWriter() {
        return writer;
    }

    /** Stops serving, appends ProxyStopped, and closes the log after the queued events are written. */
    public void stop(String reason) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            control.close();
            quotas.close();
            server.stop();
        } finally {
            long ts = Clocks.micros(context.clock());
            writer.offer(new Event.ProxyStopped(Ids.eventId(ts), null, ts, context.instance(), reason));
            writer.close(Duration.ofSeconds(20));
            log.close();
        }
    }

    @Override
    public void close() {
        stop("closed");
    }

    /** Says "port in use" in one line before Helidon would log a stack trace about it. */
    private static void checkPortFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "; set --port, CCP_PORT or MITM_PORT to another port)");
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
