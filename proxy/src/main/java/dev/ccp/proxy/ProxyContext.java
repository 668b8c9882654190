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
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything the request path needs, built once at start with {@link #builder()}. Features added
 * later plug in here: a routing check goes into {@link #policy()}, a retry or reroute into
 * {@link #attemptPolicy()}, an extra endpoint into {@link #extraServices()} (registered before the
 * catch-all passthrough), response headers computed from the serving decision into
 * {@link #decisionHeaders()}, body sampling ({@code make tee-on}) into {@link #sampling()}. A change
 * to a built context is {@code ctx.toBuilder()…build()}.
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

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this context's parts, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.instance = instance;
        b.version = version;
        b.clock = clock;
        b.policy = policy;
        b.attemptPolicy = attemptPolicy;
        b.upstream = upstream;
        b.events = events;
        b.metrics = metrics;
        b.credentials = credentials;
        b.maxBodyBytes = maxBodyBytes;
        b.extraServices.addAll(extraServices);
        b.decisionHeaders = decisionHeaders;
        b.sampling = sampling;
        return b;
    }

    /** Builds a {@link ProxyContext}; without decision headers and without body sampling unless set. */
    public static final class Builder {
        private String instance;
        private String version;
        private InstantSource clock = InstantSource.system();
        private RoutingPolicy policy;
        private AttemptPolicy attemptPolicy = AttemptPolicy.SINGLE;
        private UpstreamClients upstream;
        private EventSink events;
        private ProxyMetrics metrics;
        private Function<String, String> credentials = name -> null;
        private long maxBodyBytes = ProxyConfig.DEFAULT_MAX_BODY;
        private final List<ExtraService> extraServices = new ArrayList<>();
        private DecisionHeaders decisionHeaders = DecisionHeaders.NONE;
        private BodySampling sampling = BodySampling.OFF;

        private Builder() {
        }

        public Builder instance(String v) {
            instance = v;
            return this;
        }

        public Builder version(String v) {
            version = v;
            return this;
        }

        public Builder clock(InstantSource v) {
            clock = v;
            return this;
        }

        public Builder policy(RoutingPolicy v) {
            policy = v;
            return this;
        }

        public Builder attemptPolicy(AttemptPolicy v) {
            attemptPolicy = v;
            return this;
        }

        /** Adds a policy after the one in place: the first that retries wins (see {@link AttemptPolicy#firstOf}). */
        public Builder andAttemptPolicy(AttemptPolicy v) {
            attemptPolicy = AttemptPolicy.firstOf(attemptPolicy, v);
            return this;
        }

        public Builder upstream(UpstreamClients v) {
            upstream = v;
            return this;
        }

        public Builder events(EventSink v) {
            events = v;
            return this;
        }

        public Builder metrics(ProxyMetrics v) {
            metrics = v;
            return this;
        }

        public Builder credentials(Function<String, String> v) {
            credentials = v;
            return this;
        }

        public Builder maxBodyBytes(long v) {
            maxBodyBytes = v;
            return this;
        }

        public Builder extraService(String path, HttpService service) {
            extraServices.add(new ExtraService(path, service));
            return this;
        }

        /** Adds response headers computed from the serving decision (after those already added). */
        public Builder decisionHeaders(DecisionHeaders v) {
            decisionHeaders = decisionHeaders.andThen(v);
            return this;
        }

        public Builder sampling(BodySampling v) {
            sampling = v;
            return this;
        }

        public ProxyContext build() {
            return new ProxyContext(Objects.requireNonNull(instance, "instance"), version, clock,
                    Objects.requireNonNull(policy, "policy"), attemptPolicy, Objects.requireNonNull(upstream, "upstream"),
                    Objects.requireNonNull(events, "events"), Objects.requireNonNull(metrics, "metrics"), credentials,
                    maxBodyBytes, extraServices, decisionHeaders, sampling);
        }
    }
}
