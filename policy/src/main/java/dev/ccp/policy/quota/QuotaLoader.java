package dev.ccp.policy.quota;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Durations;
import dev.ccp.policy.yaml.YamlList;
import dev.ccp.policy.yaml.YamlMap;
import dev.ccp.policy.yaml.YamlNull;
import dev.ccp.policy.yaml.YamlReader;
import dev.ccp.policy.yaml.YamlScalar;
import dev.ccp.policy.yaml.YamlSyntaxException;
import dev.ccp.policy.yaml.YamlValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a quotas file ({@code configs/quotas.example.yaml} documents it). Strict: an unknown key is a
 * typo that would silently leave a cap unenforced, so it is refused as {@code FILE:LINE: why}.
 */
public final class QuotaLoader {
    private static final Set<String> TOP = Set.of("quotas", "fallbacks");
    private static final Set<String> QUOTA_KEYS = Set.of("name", "provider", "model", "window", "rolling", "weekly",
            "warn_pct", "block_pct", "fallback");
    private static final Set<String> LIMIT_KEYS = Set.of("requests", "input_tokens", "output_tokens", "total_tokens");

    private QuotaLoader() {
    }

    /**
     * The active quotas file: {@code CCP_QUOTAS_FILE}, else {@code configs/quotas.yaml}, else
     * {@code ~/.config/ccp/quotas.yaml}; empty when none (no quotas).
     */
    public static Optional<Path> activeFile(Map<String, String> env, CcpPaths paths) {
        String v = env.get("CCP_QUOTAS_FILE");
        if (v != null && !v.isBlank()) {
            return Optional.of(paths.home().resolve(v.trim()));
        }
        Path project = paths.configsDir().resolve("quotas.yaml");
        if (Files.isRegularFile(project)) {
            return Optional.of(project);
        }
        Path user = paths.userConfigDir().resolve("quotas.yaml");
        return Files.isRegularFile(user) ? Optional.of(user) : Optional.empty();
    }

    /** Loads the active file, or {@link QuotaConfig#NONE}. */
    public static QuotaConfig loadActive(Map<String, String> env, CcpPaths paths, Set<String> providers) {
        return activeFile(env, paths).map(f -> load(f, providers)).orElse(QuotaConfig.NONE);
    }

    /**
     * @param providers the catalog's provider names, to check {@code provider}/{@code fallback}; empty = not checked
     * @throws QuotaConfigException naming the file and the problem
     */
    public static QuotaConfig load(Path file, Set<String> providers) {
        if (!Files.isRegularFile(file)) {
            throw new QuotaConfigException(file + ": the quotas file does not exist");
        }
        try {
            return parse(Files.readString(file), file.toAbsolutePath().normalize().toString(), providers);
        } catch (IOException e) {
            throw new QuotaConfigException(file + ": cannot read the quotas file (" + e.getMessage() + ")");
        }
    }

    public static QuotaConfig parse(String yaml, String source, Set<String> providers) {
        YamlValue root;
        try {
            root = YamlReader.read(yaml, source);
        } catch (YamlSyntaxException e) {
            throw new QuotaConfigException(e.getMessage());
        }
        if (root instanceof YamlNull) {
            return new QuotaConfig(source, List.of(), Map.of());
        }
        if (!(root instanceof YamlMap doc)) {
            throw refused(root, "must be a mapping with quotas (and optionally fallbacks)");
        }
        unknownKeys(doc, TOP, "the file");
        Map<String, String> fallbacks = new LinkedHashMap<>();
        YamlValue fb = doc.present("fallbacks");
        if (fb != null) {
            if (!(fb instanceof YamlMap fallbackMap)) {
                throw refused(fb, "fallbacks must map a provider to its fallback (zai: anthropic)");
            }
            for (Map.Entry<String, YamlValue> e : fallbackMap.entries().entrySet()) {
                knownProvider(e.getKey(), providers, e.getValue(), "fallbacks");
                String to = e.getValue().text() == null ? "" : e.getValue().text();
                if (!Quota.NO_FALLBACK.equals(to)) {
                    knownProvider(to, providers, e.getValue(), "fallbacks." + e.getKey());
                }
                fallbacks.put(e.getKey(), to);
            }
        }
        List<Quota> quotas = new ArrayList<>();
        YamlValue qs = doc.present("quotas");
        if (qs != null) {
            if (!(qs instanceof YamlList quotaList)) {
                throw refused(qs, "quotas must be a list");
            }
            Set<String> names = new HashSet<>();
            int i = 0;
            for (YamlValue q : quotaList.items()) {
                i++;
                Quota quota = quota(q, i, providers);
                if (!names.add(quota.name())) {
                    throw refused(q, "quota " + quota.name() + " is defined twice");
                }
                quotas.add(quota);
            }
        }
        return new QuotaConfig(source, quotas, fallbacks);
    }

    private static Quota quota(YamlValue item, int i, Set<String> providers) {
        if (!(item instanceof YamlMap q)) {
            throw refused(item, "quota " + i + " must be a mapping");
        }
        String name = text(q, "name");
        String where = "quota " + (name == null ? "#" + i : name);
        if (name == null || !name.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw refused(at(q, "name"), where + " needs a name (letters, digits, . _ : -)");
        }
        unknownKeys(q, QUOTA_KEYS, where);
        String provider = text(q, "provider");
        String model = text(q, "model");
        if (provider == null && model == null) {
            throw refused(q, where + " needs a provider or a model (glob)");
        }
        if (provider != null) {
            knownProvider(provider, providers, q.get("provider"), where);
        }
        Duration window = Duration.ofHours(5);
        if (text(q, "window") != null) {
            try {
                window = Durations.parse(text(q, "window"));
            } catch (IllegalArgumentException e) {
                throw refused(q.get("window"), where + " window is not a duration (5h, 90m): " + text(q, "window"));
            }
            if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Quota.WEEK) > 0) {
                throw refused(q.get("window"), where + " window must be between 1m and 7d, not " + text(q, "window"));
            }
        }
        Limits rolling = limits(q.present("rolling"), where + " rolling");
        Limits weekly = limits(q.present("weekly"), where + " weekly");
        if (rolling.isEmpty() && weekly.isEmpty()) {
            throw refused(q, where + " has no cap: give rolling and/or weekly with "
                    + "requests, input_tokens, output_tokens or total_tokens");
        }
        double warn = pct(q, "warn_pct", 80, where);
        double block = pct(q, "block_pct", 100, where);
        if (warn > block) {
            throw refused(at(q, "warn_pct"), where + " warn_pct " + fmt(warn) + " is above block_pct " + fmt(block));
        }
        String fallback = text(q, "fallback");
        if (fallback != null && !fallback.equals(Quota.NO_FALLBACK)) {
            knownProvider(fallback, providers, q.get("fallback"), where + " fallback");
        }
        return new Quota(name, provider, model, window, rolling, weekly, warn, block, fallback);
    }

    private static Limits limits(YamlValue node, String where) {
        if (node == null) {
            return Limits.NONE;
        }
        if (!(node instanceof YamlMap m)) {
            throw refused(node, where + " must be a mapping (requests: 600, total_tokens: …)");
        }
        unknownKeys(m, LIMIT_KEYS, where);
        return new Limits(count(m, "requests", where), count(m, "input_tokens", where),
                count(m, "output_tokens", where), count(m, "total_tokens", where));
    }

    private static long count(YamlMap node, String field, String where) {
        YamlValue v = node.present(field);
        if (v == null) {
            return 0;
        }
        OptionalLong n = v instanceof YamlScalar s ? s.wholeNumber() : OptionalLong.empty();
        if (n.isEmpty() || n.getAsLong() <= 0) {
            throw refused(v, where + " " + field + " must be a whole number above 0, not " + shown(v));
        }
        return n.getAsLong();
    }

    private static double pct(YamlMap q, String field, double dflt, String where) {
        YamlValue v = q.present(field);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof YamlScalar s) || !s.isNumber() || s.number() <= 0 || s.number() > 1000) {
            throw refused(v, where + " " + field + " must be a percentage above 0, not " + shown(v));
        }
        return s.number();
    }

    private static void knownProvider(String name, Set<String> providers, YamlValue at, String where) {
        if (!providers.isEmpty() && !providers.contains(name)) {
            throw refused(at, where + " names unknown provider " + name
                    + " (known: " + String.join(", ", providers) + ")");
        }
    }

    private static void unknownKeys(YamlMap node, Set<String> known, String where) {
        for (Map.Entry<String, YamlValue> e : node.entries().entrySet()) {
            if (!known.contains(e.getKey())) {
                throw refused(e.getValue(), where + " has unknown key " + e.getKey() + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static QuotaConfigException refused(YamlValue at, String why) {
        return new QuotaConfigException(at.refusal(why));
    }

    /** The field's value, or the mapping itself when the field is absent: where to point a refusal. */
    private static YamlValue at(YamlMap node, String field) {
        YamlValue v = node.get(field);
        return v == null ? node : v;
    }

    private static String shown(YamlValue v) {
        return v.text() != null ? v.text() : v instanceof YamlMap ? "a mapping" : "a list";
    }

    private static String text(YamlMap node, String field) {
        YamlValue v = node.present(field);
        return v == null || v.text() == null || v.text().isBlank() ? null : v.text().trim();
    }

    public static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
