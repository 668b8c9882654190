package dev.ccp.proxy;

import dev.ccp.proxy.events.EventSink;
import dev.ccp.proxy.metrics.ProxyMetrics;
import dev.ccp.proxy.routing.RoutingPolicy;
import dev.ccp.proxy.sampling.BodySampling;
import dev.ccp.proxy.upstream.AttemptPolicy;
import dev.ccp.proxy.upstream.UpstreamClients;
import io.helidon.webserver.http.HttpService;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Everything the request path needs, built once at start. Features added later plug in here: a
 * routing check goes into {@link #policy()}, a retry or reroute into {@link #attemptPolicy()}, an
 * extra endpoint into {@link #extraServices()} (registered before the catch-all passthrough).
 *
 * @param instance      this proxy instance's id, in every event
 * @param credentials   a provider key by variable name (null when unset); never logged
 * @param maxBodyBytes  CCP_MAX_BODY
 * @param sampling      body sampling ({@code make tee-on}); {@link BodySampling#OFF} unless the server sets it
 */
public record ProxyContext(String instance, String version, InstantSource clock, RoutingPolicy policy,
                           AttemptPolicy attemptPolicy, UpstreamClients upstream, EventSink events,
                           ProxyMetrics metrics, Function<String, String> credentials, long maxBodyBytes,
                           List<ExtraService> extraServices, BodySampling sampling) {

    /** An extra HttpService mounted at {@code path} (for example {@code /v1/usage}). */
    public record ExtraService(String path, HttpService service) {
    }

    public ProxyContext {
        extraServices = List.copyOf(extraServices);
        sampling = sampling == null ? BodySampling.OFF : sampling;
    }

    /** A context without body sampling (the shape before sampling existed). */
    public ProxyContext(String instance, String version, InstantSource clock, RoutingPolicy policy,
                        AttemptPolicy attemptPolicy, UpstreamClients upstream, EventSink events,
                        ProxyMetrics metrics, Function<String, String> credentials, long maxBodyBytes,
                        List<ExtraService> extraServices) {
        this(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials, maxBodyBytes,
                extraServices, BodySampling.OFF);
    }

    public ProxyContext withBodySampling(BodySampling s) {
        return new ProxyContext(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, s);
    }

    public ProxyContext withPolicy(RoutingPolicy p) {
        return new ProxyContext(instance, version, clock, p, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, sampling);
    }

    public ProxyContext withAttemptPolicy(AttemptPolicy p) {
        return new ProxyContext(instance, version, clock, policy, p, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, sampling);
    }

    public ProxyContext withExtraService(String path, HttpService service) {
        List<ExtraService> all = new ArrayList<>(extraServices);
        all.add(new ExtraService(path, service));
        return new ProxyContext(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, all, sampling);
    }
}
