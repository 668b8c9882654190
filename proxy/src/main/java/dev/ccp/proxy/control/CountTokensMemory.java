package dev.ccp.proxy.control;

import dev.ccp.events.AttemptOutcome;
import dev.ccp.events.Decision;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.proxy.routing.RouteDecision;
import dev.ccp.proxy.routing.RouteRequest;
import dev.ccp.proxy.upstream.AttemptPolicy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which providers lack {@code count_tokens}: a 404 there is remembered for {@link ControlPlane#UNSUPPORTED_MEMORY},
 * the call is served by the default provider, and the next ones go there directly
 * ({@code fallback_unsupported}) until the memory runs out.
 */
final class CountTokensMemory {
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";

    /** A provider as remembered: a reload that moves its base URL forgets what it lacked. */
    private record ProviderKey(String name, URI baseUrl) {
    }

    private final InstantSource clock;
    private final Map<ProviderKey, Instant> unsupportedUntil = new ConcurrentHashMap<>();

    CountTokensMemory(InstantSource clock) {
        this.clock = clock;
    }

    /** Providers remembered as lacking count_tokens, with until when. */
    Map<String, Instant> unsupported() {
        Instant now = clock.instant();
        Map<String, Instant> out = new LinkedHashMap<>();
        unsupportedUntil.forEach((k, until) -> {
            if (now.isBefore(until)) {
                out.put(k.name(), until);
            }
        });
        return out;
    }

    /** The routing check: count_tokens for a provider remembered as lacking it goes to the default provider. */
    RouteDecision check(RouteRequest request, RouteDecision current, Catalog c) {
        Provider def = c.defaultProviderEntry();
        Provider p = current.provider();
        if (!isCountTokens(request.path()) || p.name().equals(def.name())) {
            return current;
        }
        Instant until = unsupportedUntil.get(key(p));
        if (until == null || !clock.instant().isBefore(until)) {
            return current;
        }
        return current.reroute(Decision.FALLBACK_UNSUPPORTED, def, p.name() + " lacks count_tokens (404 seen)");
    }

    /** The attempt policy: a 404 on count_tokens is remembered and the call served by the default provider. */
    AttemptPolicy attemptPolicy(Supplier<Catalog> catalog) {
        return a -> {
            Provider p = a.decision().provider();
            Provider def = catalog.get().defaultProviderEntry();
            if (a.status() != 404 || !isCountTokens(a.request().path()) || p.name().equals(def.name())) {
                return AttemptPolicy.Next.DELIVER;
            }
            unsupportedUntil.put(key(p), clock.instant().plus(ControlPlane.UNSUPPORTED_MEMORY));
            return new AttemptPolicy.Next.Retry(a.decision().reroute(Decision.FALLBACK_UNSUPPORTED, def,
                    p.name() + " answered 404 for count_tokens"), Duration.ZERO, AttemptOutcome.REROUTED);
        };
    }

    private static boolean isCountTokens(String path) {
        return path != null && path.endsWith(COUNT_TOKENS);
    }

    private static ProviderKey key(Provider p) {
        return new ProviderKey(p.name(), p.baseUrl());
    }
}
