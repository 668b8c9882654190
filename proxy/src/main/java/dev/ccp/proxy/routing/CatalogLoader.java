package dev.ccp.proxy.routing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccp.events.HeaderModes;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the provider catalog (see {@code configs/providers.example.yaml}). Unknown keys are ignored so
 * the schema can grow; anything that would route wrongly (no base_url, a route to an unknown
 * provider, a bad header mode) is refused with the file, the line and the reason.
 */
public final class CatalogLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CatalogLoader() {
    }

    public static Catalog load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot read the catalog (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    public static Catalog parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : ":" + loc.getLineNr();
            throw new CatalogException(source + where + ": not valid YAML (" + oneLine(e.getOriginalMessage()) + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new CatalogException(source + ": the catalog is empty");
        }
        if (!root.isObject()) {
            throw new CatalogException(source + ": the catalog must be a mapping with providers, routes and default_provider");
        }
        Map<String, Provider> providers = new LinkedHashMap<>();
        JsonNode ps = root.path("providers");
        if (!ps.isObject() || ps.isEmpty()) {
            throw new CatalogException(source + ": no providers defined");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            providers.put(e.getKey(), provider(e.getKey(), e.getValue(), source));
        }
        List<Route> routes = new ArrayList<>();
        JsonNode rs = root.path("routes");
        if (!rs.isMissingNode() && !rs.isNull()) {
            if (!rs.isArray()) {
                throw new CatalogException(source + ": routes must be a list");
            }
            int i = 0;
            for (JsonNode r : rs) {
                i++;
                String match = text(r, "match");
                String provider = text(r, "provider");
                if (match == null || match.isBlank()) {
                    throw new CatalogException(source + ": route " + i + " has no match");
                }
                if (provider == null || !providers.containsKey(provider)) {
                    throw new CatalogException(source + ": route " + i + " (match " + match + ") names unknown provider "
                            + provider + " (known: " + String.join(", ", providers.keySet()) + ")");
                }
                routes.add(new Route(match, provider, text(r, "upstream_model")));
            }
        }
        String defaultProvider = text(root, "default_provider");
        if (defaultProvider == null) {
            defaultProvider = providers.containsKey("anthropic") ? "anthropic" : providers.keySet().iterator().next();
        }
        if (!providers.containsKey(defaultProvider)) {
            throw new CatalogException(source + ": default_provider " + defaultProvider + " is not a provider");
        }
        List<String> keys = new ArrayList<>();
        for (JsonNode k : root.path("license_public_keys")) {
            keys.add(k.asText());
        }
        return new Catalog(providers, routes, defaultProvider, keys, source);
    }

    private static Provider provider(String name, JsonNode node, String source) {
        String baseUrl = text(node, "base_url");
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new CatalogException(source + ": provider " + name + " has no base_url");
        }
        URI uri;
        try {
            uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        } catch (IllegalArgumentException e) {
            throw new CatalogException(source + ": provider " + name + " base_url is not a URL: " + baseUrl);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new CatalogException(source + ": provider " + name + " base_url must be http(s)://host[:port][/path]: " + baseUrl);
        }
        String auth = text(node, "auth");
        String authEnv = text(node, "auth_env");
        if (auth != null && !auth.equals("passthrough") && authEnv == null) {
            throw new CatalogException(source + ": provider " + name + " has auth: " + auth
                    + " (expected passthrough, or auth_env naming the key's variable)");
        }
        if ("passthrough".equals(auth) || authEnv == null) {
            if (authEnv != null) {
                throw new CatalogException(source + ": provider " + name + " has both auth: passthrough and auth_env");
            }
            return new Provider(name, uri, null, HeaderModes.PASSTHROUGH);
        }
        String mode = headerMode(text(node, "header_mode"));
        if (mode == null) {
            throw new CatalogException(source + ": provider " + name + " header_mode must be x-api-key or authorization, not "
                    + text(node, "header_mode"));
        }
        return new Provider(name, uri, authEnv, mode);
    }

    /** {@code x-api-key} or {@code authorization} (also accepts {@code bearer}); null when unknown. Absent means x-api-key. */
    public static String headerMode(String value) {
        if (value == null || value.isBlank()) {
            return HeaderModes.X_API_KEY;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "x-api-key", "x_api_key", "api-key" -> HeaderModes.X_API_KEY;
            case "authorization", "bearer" -> HeaderModes.AUTHORIZATION;
            default -> null;
        };
    }

    /** SnakeYAML's messages span lines with a code excerpt; keep the sentences. */
    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return String.join("; ", message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("^"))
                .toList());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
