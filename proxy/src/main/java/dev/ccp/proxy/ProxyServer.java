package dev.ccp.proxy;

import dev.ccp.events.Clocks;
import dev.ccp.events.Durations;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.Ids;
import dev.ccp.events.Members;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.price.LivePrices;
import dev.ccp.policy.price.PriceFiles;
import dev.ccp.proxy.admin.AdminService;
import dev.ccp.proxy.control.ControlPlane;
import dev.ccp.proxy.dashboard.DashboardService;
import dev.ccp.proxy.events.AsyncEventWriter;
import dev.ccp.proxy.http.HealthService;
import dev.ccp.proxy.http.MessagesService;
import dev.ccp.proxy.http.PassthroughService;
import dev.ccp.proxy.http.ClientConnectionFilter;
import dev.ccp.proxy.mitm.Interception;
import dev.ccp.proxy.mitm.MitmSettings;
import dev.ccp.proxy.metrics.MetricsService;
import dev.ccp.proxy.metrics.ProxyMetrics;
import dev.ccp.proxy.quota.QuotaCheck;
import dev.ccp.proxy.quota.QuotaFeature;
import dev.ccp.proxy.quota.QuotaService;
import dev.ccp.proxy.readiness.ProviderProbe;
import dev.ccp.proxy.readiness.ReadinessService;
import dev.ccp.proxy.readiness.UpstreamErrors;
import dev.ccp.proxy.ratelimit.WindowConditions;
import dev.ccp.proxy.readside.CostReadService;
import dev.ccp.proxy.readside.UsageReadService;
import dev.ccp.proxy.resilience.Sleeper;
import dev.ccp.proxy.routing.RoutingPolicy;
import dev.ccp.proxy.sampling.BodySampling;
import dev.ccp.proxy.upstream.AttemptPolicy;
import dev.ccp.proxy.upstream.UpstreamClients;
import dev.ccp.readmodel.dashboard.DashboardReader;
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
 *
 * <p>Why one class of about 310 lines: start builds the parts in order and stop closes them in the
 * reverse order, with the clean-up of a failed start written once; the endpoints each live in their
 * own {@code HttpService}, registered here.
 */
public final class ProxyServer implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private final WebServer server;
    private final ProxyContext context;
    private final EventLog log;
    private final AsyncEventWriter writer;
    private final UpstreamClients upstream;
    private final List<String> warnings;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ControlPlane control;
    private final QuotaFeature quotas;
    private final DashboardService dashboard;

    private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());

    private ProxyServer(WebServer server, ProxyContext context, EventLog log, AsyncEventWriter writer,
                        UpstreamClients upstream, List<String> warnings, ControlPlane control, QuotaFeature quotas,
                        DashboardService dashboard) {
        this.upstream = upstream;
        this.dashboard = dashboard;
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
        routing.addFilter(new ClientConnectionFilter(ctx))
                .register("/healthz", new HealthService(ctx))
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
        // Interception settings first: a wrong value stops the start before anything runs.
        MitmSettings mitm = MitmSettings.from(config.paths(), config.env(), config.timeouts().dial());
        // Everything opened so far, closed in reverse order when a later step fails: the start's one clean-up.
        Closer opened = new Closer();
        try {
            return start(config, clock, customize, mitm, opened);
        } catch (RuntimeException | Error e) {
            opened.close();
            throw e;
        }
    }

    private static ProxyServer start(ProxyConfig config, InstantSource clock, UnaryOperator<ProxyContext> customize,
                                     MitmSettings mitm, Closer opened) {
        ControlPlane control = opened.add(ControlPlane.load(config.catalogFiles(), config.env(), config.paths(),
                config.paused(), clock));
        checkPortFree(config.host(), config.port());
        String instance = Ids.instanceId();
        var env = config.env();
        Duration probeTtl = Durations.fromEnv(env, "CCP_PROBE_TTL", Duration.ofSeconds(30));
        Duration reloadEvery = Durations.fromEnv(env, "CCP_RELOAD_INTERVAL", Duration.ofSeconds(1));
        Duration completionWait = Durations.fromEnv(env, "CCP_COMPLETION_WAIT", AsyncEventWriter.DEFAULT_WAIT);
        ProxyMetrics metrics = new ProxyMetrics();
        QuotaFeature quotas = opened.add(QuotaFeature.create(config, clock, () -> control.catalog().catalog(), metrics,
                Sleeper.REAL));
        RoutingPolicy policy = control.routingPolicy()
                .conditions(new WindowConditions(quotas.windows()))
                .add(QuotaCheck.NAME, quotas.check())
                .build();
        List<String> warnings = control.warnings();
        Interception interception = Interception.create(mitm, clock, metrics.registry(), () -> control.catalog().catalog().providers().values().stream()
                        .map(p -> p.baseUrl().toString()).toList());

        // Before serving: a lock left by a killed writer is released now, not on the first request's append.
        EventLog log = opened.add(EventLog.openForWriting(config.paths().queueDir()));
        AsyncEventWriter writer = opened.add(new AsyncEventWriter(log::append, clock, 65_536, completionWait));
        metrics.eventLog(writer, AsyncEventWriter::appends, AsyncEventWriter::appendErrors, AsyncEventWriter::waitTimeouts);
        UpstreamClients upstream = opened.add(new UpstreamClients(config.timeouts(), config.forceH1()));
        control.onCatalogReload(c -> upstream.retain(c.providers().values()));
        UpstreamErrors upstreamErrors = new UpstreamErrors(clock);
        DashboardService dashboard = new DashboardService(new DashboardReader(config.paths().dbPath()), log, clock,
                () -> control.catalog().catalog().defaultProvider(), () -> quotas.monitor().state().inOrder());
        ProviderProbe probe = new ProviderProbe(clock, probeTtl,
                config.timeouts().dial().plus(config.timeouts().tls()));
        ProxyContext ctx = customize.apply(ProxyContext.builder()
                .instance(instance).version(VERSION).clock(clock).policy(policy)
                .attemptPolicy(AttemptPolicy.firstOf(upstreamErrors.recorder(), control.attemptPolicy(), quotas.limits()))
                .upstream(upstream).events(writer).metrics(metrics).credentials(env::get)
                .maxBodyBytes(config.maxBodyBytes())
                .extraService(UsageReadService.PATH, new UsageReadService(config.paths().dbPath()))
                .extraService(QuotaService.PATH, quotas.service())
                .decisionHeaders(quotas.check())
                .extraService("/readyz", new ReadinessService(control, probe, upstreamErrors, writer, log,
                        config.paths().dbPath(), Duration.ofSeconds(10)))
                .extraService("/admin", new AdminService(control))
                .extraService(CostReadService.PATH, new CostReadService(config.paths().dbPath(),
                        LivePrices.loadOrEmpty(PriceFiles.of(config.paths(), env, null),
                                control.catalog().catalog().providers().keySet(), clock, reloadEvery,
                                line -> LOG.log(System.Logger.Level.INFO, line)),
                        clock))
                .extraService(DashboardService.PATH, dashboard)
                .build());

        // Set after the customizations, so no feature's context copy can drop it.
        ProxyContext serving = ctx.toBuilder().sampling(BodySampling.watching(config.teeFile(),
                control.catalog().catalog().providers().values().stream().map(Provider::authEnv)
                        .filter(java.util.Objects::nonNull).toList(),
                env::get, writer, clock, instance, BodySampling.RECHECK)).build();
        WebServer server;
        try {
            server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .maxPayloadSize(-1)
                    // SSE events are small writes flushed one by one: Nagle would hold them for the ACK.
                    .connectionOptions(so -> so.tcpNoDelay(true))
                    .shutdownHook(false)
                    .addConnectionSelector(interception.connectSelector())
                    .routing(r -> routing(r, serving))
                    // Interception mode: the decrypted side of CONNECT tunnels, same routing.
                    .putSocket(Interception.SOCKET, s -> s.name(Interception.SOCKET).host("127.0.0.1").port(0).maxPayloadSize(-1)
                            .connectionOptions(so -> so.tcpNoDelay(true))
                            .tls(interception.tls())
                            .routing(r -> interception.routing(r, rr -> routing(rr, serving))))
                    .build()
                    .start();
            interception.listening(server.port(Interception.SOCKET));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + " ("
                    + rootMessage(e) + ")", e);
        }
        opened.add(server::stop);
        if (!server.isRunning() || server.port() < 0) {
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port());
        }
        writer.offer(new Event.ProxyStarted(Ids.eventId(Clocks.micros(clock)), null, Clocks.micros(clock), instance,
                VERSION, config.host(), server.port(), ProcessHandle.current().pid(), warnings, Members.fromEnvironment()));
        control.start(writer, instance, reloadEvery);
        quotas.start(writer, instance, reloadEvery);
        return new ProxyServer(server, serving, log, writer, upstream, warnings, control, quotas, dashboard);
    }

    /** AutoCloseables closed in reverse order of opening; a failing close does not stop the others. */
    private static final class Closer {
        private final java.util.ArrayDeque<AutoCloseable> stack = new java.util.ArrayDeque<>();

        <T extends AutoCloseable> T add(T resource) {
            stack.push(resource);
            return resource;
        }

        void close() {
            for (AutoCloseable c; (c = stack.poll()) != null; ) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
                }
            }
        }
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

    /** Quotas and limit handling: the monitor, {@code quotas().limits().lastUnauthorized()} for /readyz. */
    public QuotaFeature quotas() {
        return quotas;
    }

    public AsyncEventWriter eventWriter() {
        return writer;
    }

    /**
     * Stops serving, closes the upstream clients (their connections and watchdog thread), appends
     * ProxyStopped, and closes the log after the queued events are written.
     */
    public void stop(String reason) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Closer closing = new Closer();
        closing.add(log);
        closing.add(() -> writer.close(Duration.ofSeconds(20)));
        closing.add(() -> {
            long ts = Clocks.micros(context.clock());
            writer.offer(new Event.ProxyStopped(Ids.eventId(ts), null, ts, context.instance(), reason));
        });
        closing.add(upstream);
        closing.add(server::stop);
        // Open live feeds end first, so the server's stop does not wait for them.
        closing.add(dashboard::close);
        closing.add(quotas);
        closing.add(control);
        closing.close();
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
