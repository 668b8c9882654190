package dev.ccp.proxy.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Json;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.MergedCatalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.catalog.Route;
import dev.ccp.policy.license.LicenseStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code detail} of a {@code ConfigChanged} event, one JSON document per kind of change: the
 * catalog (variable names and whether they are set, never their values), the kill switch, the model
 * override, the license.
 */
final class ConfigChangeDetail {
    private static final ObjectMapper JSON = Json.MAPPER;

    private ConfigChangeDetail() {
    }

    /** The catalog without anything secret: variable names, never their values. */
    static Map<String, Object> describe(MergedCatalog m, Map<String, String> env) {
        Catalog c = m.catalog();
        Map<String, Object> providers = new LinkedHashMap<>();
        for (Provider p : c.providers().values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("base_url", p.baseUrl().toString());
            e.put("auth", p.passesClientCredentials() ? "passthrough" : p.authEnv());
            if (!p.passesClientCredentials()) {
                String v = env.get(p.authEnv());
                e.put("credential_set", v != null && !v.isBlank());
            }
            e.put("header_mode", p.headerMode());
            providers.put(p.name(), e);
        }
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Route r : c.routes()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("match", r.match());
            e.put("provider", r.provider());
            e.put("upstream_model", r.upstreamModel());
            routes.add(e);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("layers", m.layers());
        doc.put("providers", providers);
        doc.put("routes", routes);
        doc.put("default_provider", c.defaultProvider());
        doc.put("license_public_keys", c.licensePublicKeys().size());
        return doc;
    }

    static String catalog(MergedCatalog m, Map<String, String> env) {
        return detail(describe(m, env));
    }

    static String paused(boolean paused) {
        return detail(Map.of("paused", paused));
    }

    static String model(String model) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", model);
        return detail(d);
    }

    static String license(LicenseStatus l) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("ok", l.ok());
        d.put("plan", l.plan());
        d.put("features", l.features());
        d.put("expires_at", l.expiresAt() == null ? null : l.expiresAt().toString());
        d.put("key_id", l.keyId());
        return detail(d);
    }

    private static String detail(Map<String, ?> doc) {
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
