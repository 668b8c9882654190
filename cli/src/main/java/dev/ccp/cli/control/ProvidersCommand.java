package dev.ccp.cli.control;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Table;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.CatalogException;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.catalog.MergedCatalog;
import dev.ccp.policy.catalog.Provider;
import dev.ccp.policy.catalog.Route;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cc providers}: the merged catalog the proxy would load now, with where each value came
 * from. Key variables are named with whether they are set; their values are never read out.
 */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = {"Show the merged provider catalog, with the source of each value.",
                "Merged from: built-in policy < configs/providers.yaml < ~/.config/ccp/providers.yaml <",
                "CCP_PROVIDERS_FILE < variables (ZAI_HEADER_MODE, FORCE_HAIKU_TO_ZAI). Key variables are shown by name and whether they are set, never their value.",
                "Exit status 2 (one line naming the file and line) when the catalog is broken."})
public final class ProvidersCommand extends CcSubcommand {
    @Mixin
    JsonOption json;

    public ProvidersCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        CatalogFiles files = CatalogFiles.of(ctx.paths(), ctx.env(), null);
        MergedCatalog m;
        try {
            m = MergedCatalog.load(files, ctx.env());
        } catch (CatalogException e) {
            throw CommandFailure.of("the catalog is broken: " + e.getMessage());
        }
        Catalog c = m.catalog();
        if (json.on()) {
            Json.print(out(), document(m, files));
            return 0;
        }
        Table providers = new Table("PROVIDER", "BASE_URL", "AUTH", "KEY", "HEADER_MODE", "ROUTES", "SOURCE");
        for (Provider p : c.providers().values()) {
            List<String> routes = c.routes().stream().filter(r -> r.provider().equals(p.name())).map(Route::match).toList();
            String routesCell = (p.name().equals(c.defaultProvider()) ? "default" : "")
                    + (routes.isEmpty() ? "" : (p.name().equals(c.defaultProvider()) ? ", " : "") + String.join(", ", routes));
            providers.row(p.name(), p.baseUrl(), p.passesClientCredentials() ? "passthrough" : p.authEnv(),
                    p.passesClientCredentials() ? "client's own" : (set(p.authEnv()) ? "set" : "NOT SET"),
                    p.headerMode(), routesCell.isEmpty() ? "-" : routesCell, providerSource(m, p));
        }
        providers.print(out());
        out().println();
        Table routes = new Table("#", "MATCH", "PROVIDER", "UPSTREAM_MODEL", "SOURCE");
        for (int i = 0; i < c.routes().size(); i++) {
            Route r = c.routes().get(i);
            routes.row(i + 1, r.match(), r.provider(), r.upstreamModel() == null ? "(client's)" : r.upstreamModel(),
                    m.where("routes[" + i + "]"));
        }
        if (c.routes().isEmpty()) {
            out().println("no routes: every request goes to " + c.defaultProvider());
        } else {
            routes.print(out());
        }
        out().println();
        out().println("default provider: " + c.defaultProvider() + " (" + m.where("default_provider") + ")");
        out().println("license keys: " + c.licensePublicKeys().size() + (c.licensePublicKeys().isEmpty() ? ""
                : " (" + String.join(", ", sources(m, "license_public_keys", c.licensePublicKeys().size())) + ")"));
        out().println("layers: " + String.join(" < ", m.layers()) + absent(files));
        return 0;
    }

    private boolean set(String variable) {
        return ctx.var(variable) != null;
    }

    /** Where the provider was defined, plus each of its values that came from elsewhere. */
    private static String providerSource(MergedCatalog m, Provider p) {
        String base = "providers." + p.name();
        String defined = m.where(base).toString();
        List<String> parts = new ArrayList<>(List.of(defined));
        for (String field : List.of("base_url", "auth", "header_mode")) {
            if (m.provenance().containsKey(base + "." + field)) {
                String w = m.where(base + "." + field).toString();
                if (!sameSource(w, defined)) {
                    parts.add(field + ": " + w);
                }
            }
        }
        return String.join("; ", parts);
    }

    private static boolean sameSource(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String where) {
        return where.replaceAll(":\\d+$", "");
    }

    private static List<String> sources(MergedCatalog m, String key, int n) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            out.add(strip(m.where(key + "[" + i + "]").toString()));
        }
        return List.copyOf(out);
    }

    private static String absent(CatalogFiles files) {
        List<String> missing = files.layers().stream().filter(f -> !Files.isRegularFile(f)).map(Path::toString).toList();
        return missing.isEmpty() ? "" : " (not present: " + String.join(", ", missing) + ")";
    }

    private Map<String, Object> document(MergedCatalog m, CatalogFiles files) {
        Catalog c = m.catalog();
        Map<String, Object> providers = new LinkedHashMap<>();
        for (Provider p : c.providers().values()) {
            String base = "providers." + p.name();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("base_url", p.baseUrl().toString());
            e.put("auth", p.passesClientCredentials() ? "passthrough" : "env");
            e.put("auth_env", p.authEnv());
            e.put("key_set", p.passesClientCredentials() ? null : set(p.authEnv()));
            e.put("header_mode", p.headerMode());
            e.put("default", p.name().equals(c.defaultProvider()));
            Map<String, Object> sources = new LinkedHashMap<>();
            sources.put("defined", where(m.where(base)));
            for (String field : List.of("base_url", "auth", "header_mode")) {
                if (m.provenance().containsKey(base + "." + field)) {
                    sources.put(field, where(m.where(base + "." + field)));
                }
            }
            e.put("sources", sources);
            providers.put(p.name(), e);
        }
        List<Map<String, Object>> routes = new ArrayList<>();
        for (int i = 0; i < c.routes().size(); i++) {
            Route r = c.routes().get(i);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("match", r.match());
            e.put("provider", r.provider());
            e.put("upstream_model", r.upstreamModel());
            e.put("source", where(m.where("routes[" + i + "]")));
            routes.add(e);
        }
        List<Map<String, Object>> keys = new ArrayList<>();
        for (int i = 0; i < c.licensePublicKeys().size(); i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", c.licensePublicKeys().get(i));
            e.put("source", where(m.where("license_public_keys[" + i + "]")));
            keys.add(e);
        }
        List<Map<String, Object>> layerFiles = new ArrayList<>();
        for (Path f : files.layers()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("file", f.toString());
            e.put("present", Files.isRegularFile(f));
            layerFiles.add(e);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("layers", m.layers());
        doc.put("files", layerFiles);
        doc.put("providers", providers);
        doc.put("routes", routes);
        doc.put("default_provider", Map.of("name", c.defaultProvider(), "source", where(m.where("default_provider"))));
        doc.put("license_public_keys", keys);
        return doc;
    }

    private static Map<String, Object> where(MergedCatalog.Where w) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("source", w.source());
        e.put("line", w.line() > 0 ? w.line() : null);
        return e;
    }
}
