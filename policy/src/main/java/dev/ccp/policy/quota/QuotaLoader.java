package dev.ccp.policy.quota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a quotas file ({@code configs/quotas.example.yaml} documents it). Strict: an unknown key is a
 * typo that would silently leave a cap unenforced, so it is refused with the file and the reason.
 */
public final class QuotaLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
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
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            String msg = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new QuotaConfigException(source + where + ": not valid YAML (" + msg + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new QuotaConfig(source, List.of(), Map.of());
        }
        if (!root.isObject()) {
            throw new QuotaConfigException(source + ": must be a mapping with quotas (and optionally fallbacks)");
        }
        unknownKeys(root, TOP, source, "the file");
        Map<String, String> fallbacks = new LinkedHashMap<>();
        JsonNode fb = root.path("fallbacks");
        if (!fb.isMissingNode() && !fb.isNull()) {
            if (!fb.isObject()) {
                throw new QuotaConfigException(source + ": fallbacks must map a provider to its fallback (zai: anthropic)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = fb.fields(); it.hasNext(); ) {
                var e = it.next();
                knownProvider(e.getKey(), providers, source, "fallbacks");
                String to = e.getValue().asText();
                if (!Quota.NO_FALLBACK.equals(to)) {
                    knownProvider(to, providers, source, "fallbacks." + e.getKey());
                }
                fallbacks.put(e.getKey(), to);
            }
        }
        List<Quota> quotas = new ArrayList<>();
        JsonNode qs = root.path("quotas");
        if (!qs.isMissingNode() && !qs.isNull()) {
            if (!qs.isArray()) {
                throw new QuotaConfigException(source + ": quotas must be a list");
            }
            Set<String> names = new HashSet<>();
            int i = 0;
            for (JsonNode q : qs) {
                i++;
                Quota quota = quota(q, i, source, providers);
                if (!names.add(quota.name())) {
                    throw new QuotaConfigException(source + ": quota " + quota.name() + " is defined twice");
                }
                quotas.add(quota);
            }
        }
        return new QuotaConfig(source, quotas, fallbacks);
    }

    private static Quota quota(JsonNode q, int i, String source, Set<String> providers) {
        if (!q.isObject()) {
            throw new QuotaConfigException(source + ": quota " + i + " must be a mapping");
        }
        String name = text(q, "name");
        String where = "quota " + (name == null ? "#" + i : name);
        if (name == null || !name.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new QuotaConfigException(source + ": " + where + " needs a name (letters, digits, . _ : -)");
        }
        unknownKeys(q, QUOTA_KEYS, source, where);
        String provider = text(q, "provider");
        String model = text(q, "model");
        if (provider == null && model == null) {
            throw new QuotaConfigException(source + ": " + where + " needs a provider or a model (glob)");
        }
        if (provider != null) {
            knownProvider(provider, providers, source, where);
        }
        Duration window = Duration.ofHours(5);
        if (text(q, "window") != null) {
            try {
                window = Durations.parse(text(q, "window"));
            } catch (IllegalArgumentException e) {
                throw new QuotaConfigException(source + ": " + where + " window is not a duration (5h, 90m): " + text(q, "window"));
            }
            if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Quota.WEEK) > 0) {
                throw new QuotaConfigException(source + ": " + where + " window must be between 1m and 7d, not " + text(q, "window"));
            }
        }
        Limits rolling = limits(q.get("rolling"), source, where + " rolling");
        Limits weekly = limits(q.get("weekly"), source, where + " weekly");
        if (rolling.isEmpty() && weekly.isEmpty()) {
            throw new QuotaConfigException(source + ": " + where + " has no cap: give rolling and/or weekly with "
                    + "requests, input_tokens, output_tokens or total_tokens");
        }
        double warn = pct(q, "warn_pct", 80, source, where);
        double block = pct(q, "block_pct", 100, source, where);
        if (warn > block) {
            throw new QuotaConfigException(source + ": " + where + " warn_pct " + fmt(warn) + " is above block_pct " + fmt(block));
        }
        String fallback = text(q, "fallback");
        if (fallback != null && !fallback.equals(Quota.NO_FALLBACK)) {
            knownProvider(fallback, providers, source, where + " fallback");
        }
        return new Quota(name, provider, model, window, rolling, weekly, warn, block, fallback);
    }

    private static Limits limits(JsonNode node, String source, String where) {
        if (node == null || node.isNull()) {
            return Limits.NONE;
        }
        if (!node.isObject()) {
            throw new QuotaConfigException(source + ": " + where + " must be a mapping (requests: 600, total_tokens: …)");
        }
        unknownKeys(node, LIMIT_KEYS, source, where);
        return new Limits(count(node, "requests", source, where), count(node, "input_tokens", source, where),
                count(node, "output_tokens", source, where), count(node, "total_tokens", source, where));
    }

    private static long count(JsonNode node, String field, String source, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToExactIntegral() || v.asLong() <= 0) {
            throw new QuotaConfigException(source + ": " + where + " " + field + " must be a whole number above 0, not " + v.asText());
        }
        return v.asLong();
    }

    private static double pct(JsonNode q, String field, double dflt, String source, String where) {
        JsonNode v = q.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() <= 0 || v.asDouble() > 1000) {
            throw new QuotaConfigException(source + ": " + where + " " + field + " must be a percentage above 0, not " + v.asText());
        }
        return v.asDouble();
    }

    private static void knownProvider(String name, Set<String> providers, String source, String where) {
        if (!providers.isEmpty() && !providers.contains(name)) {
            throw new QuotaConfigException(source + ": " + where + " names unknown provider " + name
                    + " (known: " + String.join(", ", providers) + ")");
        }
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String source, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new QuotaConfigException(source + ": " + where + " has unknown key " + k + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }

    public static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
