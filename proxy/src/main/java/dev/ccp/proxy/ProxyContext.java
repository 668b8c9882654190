package dev.ccp.proxy;

import dev.ccp.proxy.events.EventSink;
import dev.ccp.proxy.metrics.ProxyMetrics;
import dev.ccp.proxy.routing.DecisionHeaders;
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
 * extra endpoint into {@link #extraServices()} (registered before the catch-all passthrough), response
 * headers computed from the serving decision into {@link #decisionHeaders()}, body sampling
 * ({@code make tee-on}) into {@link #sampling()}.
 *
 * @param instance      this proxy instance's id, in every event
 * @param credentials   a provider key by variable name (null when unset); never logged
 * @param maxBodyBytes  CCP_MAX_BODY
 */
public record ProxyContext(String instance, String version, InstantSource clock, RoutingPolicy policy,
                           AttemptPolicy attemptPolicy, UpstreamClients upstream, EventSink events,
                           ProxyMetrics metrics, Function<String, String> credentials, long maxBodyBytes,
                           List<ExtraService> extraServices, DecisionHeaders decisionHeaders,
                           BodySampling sampling) {

    /** An extra HttpService mounted at {@code path} (for example {@code /v1/usage}). */
    public record ExtraService(String path, HttpService service) {
    }

    public ProxyContext {
        extraServices = List.copyOf(extraServices);
        decisionHeaders = decisionHeaders == null ? DecisionHeaders.NONE : decisionHeaders;
        sampling = sampling == null ? BodySampling.OFF : sampling;
    }

    /** Without response-header hooks and without body sampling. */
    public ProxyContext(String instance, String version, InstantSource clock, RoutingPolicy policy,
                        AttemptPolicy attemptPolicy, UpstreamClients upstream, EventSink events,
                        ProxyMetrics metrics, Function<String, String> credentials, long maxBodyBytes,
                        List<ExtraService> extraServices) {
        this(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials, maxBodyBytes,
                extraServices, DecisionHeaders.NONE, BodySampling.OFF);
    }

    /** Adds response headers computed from the serving decision (after those already added). */
    public ProxyContext withDecisionHeaders(DecisionHeaders h) {
        return new ProxyContext(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, decisionHeaders.andThen(h), sampling);
    }

    public ProxyContext withBodySampling(BodySampling s) {
        return new ProxyContext(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, decisionHeaders, s);
    }

    public ProxyContext withPolicy(RoutingPolicy p) {
        return new ProxyContext(instance, version, clock, p, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, decisionHeaders, sampling);
    }

    public ProxyContext withAttemptPolicy(AttemptPolicy p) {
        return new ProxyContext(instance, version, clock, policy, p, upstream, events, metrics, credentials,
                maxBodyBytes, extraServices, decisionHeaders, sampling);
    }

    /** Adds a policy after the one in place: the first that retries wins (see {@link AttemptPolicy#firstOf}). */
    public ProxyContext andAttemptPolicy(AttemptPolicy p) {
        return withAttemptPolicy(AttemptPolicy.firstOf(attemptPolicy, p));
    }

    public ProxyContext withExtraService(String path, HttpService service) {
        List<ExtraService> all = new ArrayList<>(extraServices);
        all.add(new ExtraService(path, service));
        return new ProxyContext(instance, version, clock, policy, attemptPolicy, upstream, events, metrics, credentials,
                maxBodyBytes, all, decisionHeaders, sampling);
    }
}
