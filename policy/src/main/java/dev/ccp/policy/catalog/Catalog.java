package dev.ccp.policy.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Providers and routes, as loaded from the YAML catalog or the built-in defaults.
 *
 * @param providers         by name, in catalog order
 * @param routes            first match wins
 * @param defaultProvider   serves every request no route claims, and every fallback
 * @param licensePublicKeys base64 Ed25519 public keys that may sign a license (read by the licensing feature)
 * @param source            where it came from: {@code policy} or the file's path
 */
public record Catalog(Map<String, Provider> providers, List<Route> routes, String defaultProvider,
                      List<String> licensePublicKeys, String source) {

    public Catalog {
        providers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        routes = List.copyOf(routes);
        licensePublicKeys = List.copyOf(licensePublicKeys);
    }

    /** The built-in policy: anthropic (client's credentials) by default, haiku to Z.AI with ZAI_API_KEY. */
    public static Catalog builtIn() {
        Map<String, Provider> providers = new LinkedHashMap<>();
        providers.put("anthropic", Provider.passthrough("anthropic", "https://api.anthropic.com"));
        providers.put("zai", Provider.keyed("zai", "https://api.z.ai/api/anthropic", "ZAI_API_KEY", "x-api-key"));
        return new Catalog(providers, List.of(new Route("haiku", "zai", null)), "anthropic", List.of(), "policy");
    }

    public Provider defaultProviderEntry() {
        return providers.get(defaultProvider);
    }

    public Optional<Provider> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** The first route whose match is in the model, conditional routes ({@code when:}) left out. */
    public Optional<Route> routeFor(String model) {
        return routeFor(model, when -> false);
    }

    /** The first route whose match is in the model and whose condition, if it has one, {@code holds}. */
    public Optional<Route> routeFor(String model, java.util.function.Predicate<RouteCondition> holds) {
        return routes.stream().filter(r -> r.matches(model) && (r.when() == null || holds.test(r.when()))).findFirst();
    }
}
