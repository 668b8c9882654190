package dev.ccp.policy.catalog;

import dev.ccp.events.HeaderModes;
import dev.ccp.policy.catalog.MergedCatalog.Where;

import dev.ccp.policy.yaml.YamlList;
import dev.ccp.policy.yaml.YamlMap;
import dev.ccp.policy.yaml.YamlNull;
import dev.ccp.policy.yaml.YamlScalar;
import dev.ccp.policy.yaml.YamlValue;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The merge of catalog layers (see {@link MergedCatalog} for the rules). One use per merge.
 *
 * <p>Why one class of about 330 lines: each merge rule sits beside the provenance it records, and
 * the checks of the finished catalog read that same provenance to name the file and line at fault.
 */
final class CatalogMerge {
    private static final class ProviderDraft {
        final String name;
        final Where defined;
        URI baseUrl;
        Where baseUrlFrom;
        String authEnv;
        Where authFrom;
        String headerMode;
        Where headerModeFrom;

        ProviderDraft(String name, Where defined) {
            this.name = name;
            this.defined = defined;
        }
    }

    private record RouteDraft(String match, String provider, String upstreamModel, Where where, RouteCondition when) {
        RouteDraft(String match, String provider, String upstreamModel, Where where) {
            this(match, provider, upstreamModel, where, null);
        }
    }

    private final Map<String, ProviderDraft> providers = new LinkedHashMap<>();
    private List<RouteDraft> routes = new ArrayList<>();
    private String defaultProvider;
    private Where defaultFrom;
    private final Map<String, Where> keys = new LinkedHashMap<>();
    private final Set<String> layers = new LinkedHashSet<>();

    static CatalogMerge empty() {
        return new CatalogMerge();
    }

    static CatalogMerge overPolicy() {
        CatalogMerge m = new CatalogMerge();
        Catalog policy = Catalog.builtIn();
        for (Provider p : policy.providers().values()) {
            ProviderDraft d = new ProviderDraft(p.name(), Where.POLICY);
            d.baseUrl = p.baseUrl();
            d.baseUrlFrom = Where.POLICY;
            d.authEnv = p.authEnv();
            d.authFrom = Where.POLICY;
            if (!p.passesClientCredentials()) {
                d.headerMode = p.headerMode();
                d.headerModeFrom = Where.POLICY;
            }
            m.providers.put(p.name(), d);
        }
        for (Route r : policy.routes()) {
            m.routes.add(new RouteDraft(r.match(), r.provider(), r.upstreamModel(), Where.POLICY, r.when()));
        }
        m.defaultProvider = policy.defaultProvider();
        m.defaultFrom = Where.POLICY;
        m.layers.add(MergedCatalog.POLICY);
        return m;
    }

    /** Applies one file's document. */
    void apply(YamlValue root, String source) {
        layers.add(source);
        if (root instanceof YamlNull) {
            return;
        }
        if (!(root instanceof YamlMap doc)) {
            throw new CatalogException(root.refusal("the catalog must be a mapping with providers, routes and default_provider"));
        }
        YamlValue ps = doc.present("providers");
        if (ps != null) {
            if (!(ps instanceof YamlMap providerMap)) {
                throw new CatalogException(ps.refusal("providers must be a mapping of provider names to settings"));
            }
            for (Map.Entry<String, YamlValue> e : providerMap.entries().entrySet()) {
                provider(e.getKey(), e.getValue(), source);
            }
        }
        YamlValue rs = doc.get("routes");
        if (rs != null) {
            List<RouteDraft> replaced = new ArrayList<>();
            if (!(rs instanceof YamlNull)) {
                if (!(rs instanceof YamlList routeList)) {
                    throw new CatalogException(rs.refusal("routes must be a list"));
                }
                int i = 0;
                for (YamlValue item : routeList.items()) {
                    i++;
                    if (!(item instanceof YamlMap r)) {
                        throw new CatalogException(item.refusal("route " + i + " must be a mapping with match and provider"));
                    }
                    String match = text(r, "match");
                    if (match == null || match.isBlank()) {
                        throw new CatalogException(r.refusal("route " + i + " has no match"));
                    }
                    String upstream = text(r, "upstream_model");
                    replaced.add(new RouteDraft(match, text(r, "provider"),
                            upstream == null || upstream.isBlank() ? null : upstream, new Where(source, r.line()),
                            condition(r.get("when"), i)));
                }
            }
            routes = replaced;
        }
        YamlValue def = doc.get("default_provider");
        if (def != null && def.text() != null) {
            defaultProvider = def.text();
            defaultFrom = new Where(source, def.line());
        }
        YamlValue ks = doc.present("license_public_keys");
        if (ks != null) {
            if (!(ks instanceof YamlList keyList)) {
                throw new CatalogException(ks.refusal("license_public_keys must be a list of base64 public keys"));
            }
            for (YamlValue k : keyList.items()) {
                if (k.text() != null && !k.text().isBlank()) {
                    keys.putIfAbsent(k.text().strip(), new Where(source, k.line()));
                }
            }
        }
    }

    /** A route's {@code when:}: a mapping of known conditions to shares from 0 to 1; null when absent. */
    private static RouteCondition condition(YamlValue when, int route) {
        if (when == null || when instanceof YamlNull) {
            return null;
        }
        if (!(when instanceof YamlMap m) || m.entries().isEmpty()) {
            throw new CatalogException(when.refusal("route " + route + " when must be a mapping such as {"
                    + RouteCondition.ANTHROPIC_5H + ": 0.9}"));
        }
        Double fiveHour = null;
        Double sevenDay = null;
        for (Map.Entry<String, YamlValue> c : m.entries().entrySet()) {
            double share = c.getValue() instanceof YamlScalar sc && sc.isNumber() ? sc.number() : Double.NaN;
            if (!(share >= 0 && share <= 1)) {
                throw new CatalogException(c.getValue().refusal("route " + route + " when " + c.getKey()
                        + " must be a share from 0 to 1, not " + (c.getValue() instanceof YamlScalar sc ? sc.text() : "a " + c.getValue().getClass().getSimpleName())));
            }
            switch (c.getKey()) {
                case RouteCondition.ANTHROPIC_5H -> fiveHour = share;
                case RouteCondition.ANTHROPIC_7D -> sevenDay = share;
                default -> throw new CatalogException(c.getValue().refusal("route " + route + " has an unknown condition "
                        + c.getKey() + " (known: " + RouteCondition.ANTHROPIC_5H + ", " + RouteCondition.ANTHROPIC_7D + ")"));
            }
        }
        return new RouteCondition(fiveHour, sevenDay);
    }

    private void provider(String name, YamlValue node, String source) {
        if (node instanceof YamlNull) {
            node = new YamlMap(Map.of(), node.source(), node.line());
        }
        if (!(node instanceof YamlMap f)) {
            throw new CatalogException(node.refusal("provider " + name + " must be a mapping (base_url, auth or auth_env, header_mode)"));
        }
        int line = f.line();
        ProviderDraft d = providers.computeIfAbsent(name, n -> new ProviderDraft(n, new Where(source, line)));
        YamlValue baseUrl = f.get("base_url");
        if (baseUrl != null) {
            d.baseUrl = baseUrl(name, baseUrl);
            d.baseUrlFrom = new Where(source, baseUrl.line());
        }
        String auth = text(f, "auth");
        String authEnv = text(f, "auth_env");
        Where authAt = new Where(source, (f.get("auth_env") != null ? f.get("auth_env") : f.entries().getOrDefault("auth", f)).line());
        if (auth != null && !auth.equals("passthrough") && authEnv == null) {
            throw new CatalogException(f.get("auth").refusal("provider " + name + " has auth: " + auth
                    + " (expected passthrough, or auth_env naming the key's variable)"));
        }
        if ("passthrough".equals(auth)) {
            if (authEnv != null) {
                throw new CatalogException(f.get("auth").refusal("provider " + name + " has both auth: passthrough and auth_env"));
            }
            d.authEnv = null;
            d.authFrom = authAt;
            d.headerMode = null;
            d.headerModeFrom = null;
        } else if (authEnv != null) {
            if (authEnv.isBlank()) {
                throw new CatalogException(f.get("auth_env").refusal("provider " + name + " has an empty auth_env"));
            }
            d.authEnv = authEnv.strip();
            d.authFrom = authAt;
        }
        YamlValue hm = f.get("header_mode");
        if (hm != null && hm.text() != null) {
            String mode = CatalogLoader.headerMode(hm.text());
            if (mode == null) {
                throw new CatalogException(hm.refusal("provider " + name
                        + " header_mode must be x-api-key or authorization, not " + hm.text()));
            }
            d.headerMode = mode;
            d.headerModeFrom = new Where(source, hm.line());
        }
        // Other keys are ignored so the schema can grow (said in providers.example.yaml).
    }

    private static URI baseUrl(String name, YamlValue node) {
        String url = node.text();
        if (url == null || url.isBlank()) {
            throw new CatalogException(node.refusal("provider " + name + " has no base_url"));
        }
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CatalogException(node.refusal("provider " + name + " base_url is not a URL: " + url));
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new CatalogException(node.refusal("provider " + name
                    + " base_url must be http(s)://host[:port][/path]: " + url));
        }
        if (uri.getUserInfo() != null) {
            throw new CatalogException(node.refusal("provider " + name
                    + " base_url must not carry credentials (use auth_env)"));
        }
        return uri;
    }

    /** {@code ZAI_HEADER_MODE} (header mode of the zai provider) and {@code FORCE_HAIKU_TO_ZAI=1} (haiku → zai first). */
    void applyVariables(Map<String, String> env) {
        String mode = env.get("ZAI_HEADER_MODE");
        ProviderDraft zai = providers.get("zai");
        if (mode != null && !mode.isBlank() && zai != null && zai.authEnv != null) {
            String m = CatalogLoader.headerMode(mode);
            if (m == null) {
                throw new CatalogException("ZAI_HEADER_MODE=" + mode + " must be x-api-key or authorization");
            }
            zai.headerMode = m;
            zai.headerModeFrom = Where.variable("ZAI_HEADER_MODE");
            layers.add("ZAI_HEADER_MODE");
        }
        boolean force;
        try {
            force = dev.ccp.events.Flags.fromEnv(env, "FORCE_HAIKU_TO_ZAI");
        } catch (IllegalArgumentException e) {
            throw new CatalogException(e.getMessage());
        }
        if (force && zai != null) {
            boolean first = !routes.isEmpty() && routes.getFirst().provider() != null
                    && routes.getFirst().provider().equals("zai") && "haiku".equalsIgnoreCase(routes.getFirst().match());
            if (!first) {
                routes.addFirst(new RouteDraft("haiku", "zai", null, Where.variable("FORCE_HAIKU_TO_ZAI")));
                layers.add("FORCE_HAIKU_TO_ZAI");
            }
        }
    }

    /**
     * Checks what only the merged whole can tell and builds the catalog.
     *
     * @param standalone true when no policy lies beneath (a single file read on its own)
     */
    MergedCatalog finish(boolean standalone) {
        String sourceName = String.join(" + ", layers);
        if (providers.isEmpty()) {
            throw new CatalogException(sourceName + ": no providers defined");
        }
        Map<String, Where> provenance = new LinkedHashMap<>();
        Map<String, Provider> built = new LinkedHashMap<>();
        for (ProviderDraft d : providers.values()) {
            if (d.baseUrl == null) {
                throw new CatalogException(d.defined + ": provider " + d.name + " has no base_url");
            }
            Provider p = d.authEnv == null
                    ? new Provider(d.name, d.baseUrl, null, HeaderModes.PASSTHROUGH)
                    : new Provider(d.name, d.baseUrl, d.authEnv, d.headerMode == null ? HeaderModes.X_API_KEY : d.headerMode);
            built.put(d.name, p);
            provenance.put("providers." + d.name, d.defined);
            provenance.put("providers." + d.name + ".base_url", d.baseUrlFrom);
            provenance.put("providers." + d.name + ".auth", d.authFrom == null ? d.defined : d.authFrom);
            if (d.authEnv != null) {
                provenance.put("providers." + d.name + ".header_mode", d.headerModeFrom == null ? d.authFrom : d.headerModeFrom);
            }
        }
        List<Route> builtRoutes = new ArrayList<>();
        int i = 0;
        for (RouteDraft r : routes) {
            i++;
            if (r.provider() == null || !built.containsKey(r.provider())) {
                throw new CatalogException(r.where() + ": route " + i + " (match " + r.match() + ") names unknown provider "
                        + r.provider() + " (known: " + String.join(", ", built.keySet()) + ")");
            }
            builtRoutes.add(new Route(r.match(), r.provider(), r.upstreamModel(), r.when()));
            provenance.put("routes[" + (i - 1) + "]", r.where());
        }
        String def = defaultProvider;
        Where defFrom = defaultFrom;
        if (def == null) {
            def = built.containsKey("anthropic") ? "anthropic" : built.keySet().iterator().next();
            defFrom = standalone ? new Where(sourceName, 0) : Where.POLICY;
        }
        if (!built.containsKey(def)) {
            throw new CatalogException(defFrom + ": default_provider " + def + " is not a provider (known: "
                    + String.join(", ", built.keySet()) + ")");
        }
        provenance.put("default_provider", defFrom);
        int k = 0;
        for (Map.Entry<String, Where> key : keys.entrySet()) {
            provenance.put("license_public_keys[" + k++ + "]", key.getValue());
        }
        Catalog catalog = new Catalog(built, builtRoutes, def, List.copyOf(keys.keySet()), sourceName);
        return new MergedCatalog(catalog, List.copyOf(layers), provenance);
    }

    private static String text(YamlMap node, String field) {
        YamlValue v = node.get(field);
        return v == null ? null : v.text();
    }
}
