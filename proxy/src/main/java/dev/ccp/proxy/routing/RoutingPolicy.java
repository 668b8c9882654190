package dev.ccp.proxy.routing;

import dev.ccp.events.Decision;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.catalog.Route;
import dev.ccp.policy.catalog.RouteCondition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides which provider serves a request: the catalog match first, then each check in order.
 *
 * <p>The catalog comes from a supplier so it can be swapped while the proxy runs. The standard order
 * is {@code match → paused → missing_credentials}; {@link Builder#insertBefore} puts a new check at its
 * place (e.g. a license check before missing credentials).
 */
public final class RoutingPolicy {
    /** Names of the standard checks, for {@link Builder#insertBefore}/{@link Builder#insertAfter}. */
    public static final String MATCH = "match";
    public static final String PAUSED = "paused";
    public static final String MISSING_CREDENTIALS = "missing_credentials";

    private final Supplier<Catalog> catalog;
    private final List<Named> checks;

    private RoutingPolicy(Supplier<Catalog> catalog, List<Named> checks) {
        this.catalog = catalog;
        this.checks = List.copyOf(checks);
    }

    /**
     * The standard policy.
     *
     * @param paused      true while offload is paused (OFFLOAD_PAUSED=1, or flipped at runtime)
     * @param credentials a provider's key by variable name (null when unset)
     */
    public static Builder standard(Supplier<Catalog> catalog, BooleanSupplier paused, Function<String, String> credentials) {
        Builder b = new Builder(catalog);
        return b.add(MATCH, (request, current, c) -> match(request, current, c, b.conditions))
                .add(PAUSED, paused(paused))
                .add(MISSING_CREDENTIALS, missingCredentials(credentials));
    }

    /**
     * Whether a route's {@code when:} holds now: the words for the reason when it does (for example
     * {@code anthropic 5h window 93% used (>= 90%)}), empty when it does not.
     */
    @FunctionalInterface
    public interface Conditions {
        Conditions NEVER = when -> java.util.Optional.empty();

        java.util.Optional<String> holds(RouteCondition when);
    }

    public RouteDecision decide(RouteRequest request) {
        Catalog c = catalog.get();
        RouteDecision d = null;
        for (Named n : checks) {
            d = n.check.apply(request, d, c);
        }
        return Objects.requireNonNull(d, "the routing policy made no decision");
    }

    public Catalog catalog() {
        return catalog.get();
    }

    /** The first step: first route whose match is in the model, else the default provider. */
    static RouteDecision match(RouteRequest request, RouteDecision ignored, Catalog catalog) {
        return match(request, ignored, catalog, Conditions.NEVER);
    }

    /**
     * The first route whose match is in the model and whose {@code when:}, if any, holds now (decision
     * {@code window_offload}, the condition in the reason); else the default provider.
     */
    static RouteDecision match(RouteRequest request, RouteDecision ignored, Catalog catalog, Conditions conditions) {
        if (request.messages() && request.model() != null) {
            java.util.Map<RouteCondition, String> reasons = new java.util.HashMap<>(2);
            var route = catalog.routeFor(request.model(), when -> {
                java.util.Optional<String> why = conditions.holds(when);
                why.ifPresent(w -> reasons.put(when, w));
                return why.isPresent();
            });
            if (route.isPresent()) {
                Provider p = catalog.providers().get(route.get().provider());
                String upstream = route.get().upstreamModel() != null ? route.get().upstreamModel() : request.model();
                String because = "route " + route.get().match() + " -> " + p.name();
                if (route.get().when() != null) {
                    return new RouteDecision(Decision.WINDOW_OFFLOAD, p, upstream, p.headerMode(),
                            reasons.get(route.get().when()) + ": " + because);
                }
                return new RouteDecision(Decision.MODEL_ROUTE, p, upstream, p.headerMode(), because);
            }
        }
        Provider p = catalog.defaultProviderEntry();
        return new RouteDecision(Decision.DEFAULT_ROUTE, p, request.model(), p.headerMode(),
                request.messages() ? "no route matched" : "not a messages call");
    }

    static RoutingCheck paused(BooleanSupplier paused) {
        return (request, current, catalog) -> {
            Provider def = catalog.defaultProviderEntry();
            if (paused.getAsBoolean() && !current.provider().name().equals(def.name())) {
                return current.reroute(Decision.PAUSED, def, "offload paused");
            }
            return current;
        };
    }

    static RoutingCheck missingCredentials(Function<String, String> credentials) {
        return (request, current, catalog) -> {
            Provider p = current.provider();
            if (!p.passesClientCredentials()) {
                String key = credentials.apply(p.authEnv());
                if (key == null || key.isBlank()) {
                    Provider def = catalog.defaultProviderEntry();
                    if (!def.name().equals(p.name())) {
                        return current.reroute(Decision.MISSING_CREDENTIALS, def, p.authEnv() + " is not set");
                    }
                }
            }
            return current;
        };
    }

    /** Start-up lines, one per route that cannot be served as configured (e.g. its key variable is unset). */
    public static List<String> warnings(Catalog catalog, Map<String, String> env, boolean paused) {
        List<String> out = new ArrayList<>();
        Provider def = catalog.defaultProviderEntry();
        if (paused) {
            out.add("OFFLOAD_PAUSED=1: every request goes to " + def.name() + " (decision paused)");
        }
        java.util.Set<String> said = new java.util.HashSet<>();
        for (Route r : catalog.routes()) {
            Provider p = catalog.providers().get(r.provider());
            if (!p.passesClientCredentials() && !p.name().equals(def.name())) {
                String v = env.get(p.authEnv());
                if ((v == null || v.isBlank()) && said.add(p.authEnv() + "/" + r.match())) {
                    out.add(p.authEnv() + " is not set: " + r.match() + " requests go to " + def.name()
                            + " (decision missing_credentials)");
                }
            }
        }
        return out;
    }

    private record Named(String name, RoutingCheck check) {
    }

    public static final class Builder {
        private final Supplier<Catalog> catalog;
        private final List<Named> checks = new ArrayList<>();
        private volatile Conditions conditions = Conditions.NEVER;

        private Builder(Supplier<Catalog> catalog) {
            this.catalog = catalog;
        }

        /** How the match step tells whether a route's {@code when:} holds (by default: never). */
        public Builder conditions(Conditions c) {
            this.conditions = c;
            return this;
        }

        public Builder add(String name, RoutingCheck check) {
            checks.add(new Named(name, check));
            return this;
        }

        public Builder insertBefore(String existing, String name, RoutingCheck check) {
            checks.add(indexOf(existing), new Named(name, check));
            return this;
        }

        public Builder insertAfter(String existing, String name, RoutingCheck check) {
            checks.add(indexOf(existing) + 1, new Named(name, check));
            return this;
        }

        private int indexOf(String name) {
            for (int i = 0; i < checks.size(); i++) {
                if (checks.get(i).name.equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no routing check named " + name);
        }

        public RoutingPolicy build() {
            return new RoutingPolicy(catalog, checks);
        }
    }
}
