package dev.ccp.proxy.resilience;

import dev.ccp.events.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Decision;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.proxy.quota.Fallbacks;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.upstream.AttemptPolicy;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What happens after a limit or an auth failure, while no byte has reached the client:
 * <ul>
 *   <li>429, 529 or Z.AI's 1113 from the provider routing chose: with {@code MITM_ENABLE_BACKOFF=1} and an
 *       answer about the account, retry it after a backoff (bounded); then reroute to the fallback
 *       (decision {@code rerouted_on_limit}); with no fallback, the answer goes back unchanged.</li>
 *   <li>401 from a keyed provider (Z.AI): served by the default provider with the client's own
 *       credentials (decision {@code fallback_401}); the forwarder recomputes the credential headers
 *       for the new provider, so the Z.AI key never reaches Anthropic.</li>
 * </ul>
 * A fallback's own answer is delivered as it is: requests are never bounced twice. Only Messages calls
 * are handled; other paths pass through to the default provider and get its answer.
 */
public final class LimitPolicy implements AttemptPolicy {
    /** Decisions that are already a fallback: their answers are delivered. */
    private static final Set<Decision> FALLBACKS = EnumSet.of(Decision.REROUTED_ON_LIMIT, Decision.FALLBACK_401,
            Decision.QUOTA_BLOCK, Decision.FALLBACK_UNSUPPORTED);
    private static final ObjectMapper JSON = Json.MAPPER;

    private final Supplier<Catalog> catalog;
    private final Supplier<QuotaConfig> quotas;
    private final Function<String, String> credentials;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final InstantSource clock;
    private final ResilienceMetrics metrics;
    private final AtomicReference<Unauthorized> last401 = new AtomicReference<>();
    private final AtomicLong count401 = new AtomicLong();

    public LimitPolicy(Supplier<Catalog> catalog, Supplier<QuotaConfig> quotas, Function<String, String> credentials,
                       Backoff backoff, Sleeper sleeper, RandomGenerator random, InstantSource clock,
                       ResilienceMetrics metrics) {
        this.catalog = catalog;
        this.quotas = quotas;
        this.credentials = credentials;
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.random = random;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Next afterAttempt(Attempt a) {
        RouteDecision d = a.decision();
        Provider provider = d.provider();
        if (FALLBACKS.contains(d.kind()) || !a.request().messages()) {
            return Next.DELIVER;
        }
        metrics.preferredAttempt(provider.name());
        if (a.failure() != null) {
            return Next.DELIVER;
        }
        LimitAnswer limit = LimitAnswer.of(a.status(), a.headers(), a.errorBody(), clock.instant());
        if (limit != null) {
            return afterLimit(a, limit);
        }
        if (a.status() == 401 && !provider.passesClientCredentials()) {
            Provider def = catalog.get().defaultProviderEntry();
            if (def.passesClientCredentials() && !def.name().equals(provider.name())) {
                last401.set(new Unauthorized(provider.name(), clock.instant(), errorType(a.errorBody()), count401.incrementAndGet()));
                metrics.fallback401(provider.name());
                metrics.wasted(provider.name(), a.durationUs());
                return new Next.Retry(d.reroute(Decision.FALLBACK_401, def, provider.name() + " answered 401; served by "
                        + def.name() + " with the client's own credentials"), Duration.ZERO, dev.ccp.events.AttemptOutcome.REROUTED);
            }
        }
        return Next.DELIVER;
    }

    private Next afterLimit(Attempt a, LimitAnswer limit) {
        RouteDecision d = a.decision();
        String from = d.provider().name();
        int retry = a.number();
        if (backoff.enabled() && limit.account() && retry <= backoff.retries()) {
            Duration delay = backoff.delay(retry, limit.retryAfter(), random);
            if (delay != null) {
                metrics.backoff(from, limit.reason());
                metrics.wasted(from, a.durationUs());
                return new Next.Retry(d, delay, dev.ccp.events.AttemptOutcome.RETRIED);
            }
        }
        Optional<Provider> fallback = Fallbacks.of(quotas.get(), catalog.get(), d.provider(), null, credentials);
        if (fallback.isEmpty()) {
            return Next.DELIVER;
        }
        metrics.rerouted(from, fallback.get().name(), limit.reason());
        metrics.wasted(from, a.durationUs());
        return new Next.Retry(d.reroute(Decision.REROUTED_ON_LIMIT, fallback.get(),
                from + " answered " + limit.reason() + "; served by " + fallback.get().name()), Duration.ZERO, dev.ccp.events.AttemptOutcome.REROUTED);
    }

    @Override
    public int maxAttempts() {
        return (backoff.enabled() ? backoff.retries() : 0) + 2;
    }

    @Override
    public void pause(Duration delay) throws InterruptedException {
        sleeper.sleep(delay);
    }

    /** The last 401 a keyed provider answered (for /readyz), if any since start. */
    public Optional<Unauthorized> lastUnauthorized() {
        return Optional.ofNullable(last401.get());
    }

    private static String errorType(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            String t = JSON.readTree(body).path("error").path("type").asText(null);
            return t == null || t.length() > 64 || !t.matches("[A-Za-z0-9_.-]+") ? null : t;
        } catch (Exception e) {
            return null;
        }
    }
}
