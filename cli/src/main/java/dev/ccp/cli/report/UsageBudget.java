package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.events.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The usage budget {@code cc usage} compares against (docs/CLI.md): {@code CCP_USAGE_BUDGET_FILE}, else
 * {@code ~/.config/ccp/usage-budget.yaml}, else {@code configs/usage-budget.yaml}. No file means no budget,
 * only the totals over the default window.
 *
 * @param file        where it came from, null when none exists
 * @param window      the rolling window the totals are counted over
 * @param tokens      all lanes, null when not limited
 * @param completions all lanes, null when not limited
 * @param lanes       per-lane limits
 */
public record UsageBudget(Path file, Duration window, Long tokens, Long completions, Map<String, Limit> lanes) {
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    /** A lane's limits; null = not limited. */
    public record Limit(Long tokens, Long completions) {
    }

    public static UsageBudget none() {
        return new UsageBudget(null, DEFAULT_WINDOW, null, null, Map.of());
    }

    public boolean defined() {
        return file != null;
    }

    /** The budget in force for this context, or {@link #none()}; a broken file is one line (exit 2). */
    public static UsageBudget load(CliContext ctx) {
        String override = ctx.var("CCP_USAGE_BUDGET_FILE");
        Path file;
        if (override != null) {
            file = ctx.paths().home().resolve(override).normalize();
            if (!Files.isRegularFile(file)) {
                throw CommandFailure.of("CCP_USAGE_BUDGET_FILE=" + override + ": no such file");
            }
        } else {
            Path user = ctx.paths().userConfigDir().resolve("usage-budget.yaml");
            Path project = ctx.paths().configsDir().resolve("usage-budget.yaml");
            file = Files.isRegularFile(user) ? user : Files.isRegularFile(project) ? project : null;
        }
        return file == null ? none() : parse(file);
    }

    static UsageBudget parse(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw CommandFailure.of(file + ": not a readable YAML file (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        JsonNode b = root == null ? null : root.get("budget");
        if (b == null || !b.isObject()) {
            throw CommandFailure.of(file + ": no 'budget:' section (see configs/usage-budget.example.yaml)");
        }
        Duration window = DEFAULT_WINDOW;
        if (b.hasNonNull("window")) {
            try {
                window = Durations.parse(b.get("window").asText());
            } catch (IllegalArgumentException e) {
                throw CommandFailure.of(file + ": budget.window: " + e.getMessage());
            }
            if (window.isZero() || window.isNegative()) {
                throw CommandFailure.of(file + ": budget.window must be positive");
            }
        }
        Map<String, Limit> lanes = new LinkedHashMap<>();
        JsonNode ln = b.path("lanes");
        for (Iterator<Map.Entry<String, JsonNode>> it = ln.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            lanes.put(e.getKey(), new Limit(limit(file, e.getValue(), "tokens", "budget.lanes." + e.getKey()),
                    limit(file, e.getValue(), "completions", "budget.lanes." + e.getKey())));
        }
        return new UsageBudget(file, window, limit(file, b, "tokens", "budget"), limit(file, b, "completions", "budget"), lanes);
    }

    private static Long limit(Path file, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || v.asLong() < 0 || !(v.isIntegralNumber() || v.asText().matches("\\d+"))) {
            throw CommandFailure.of(file + ": " + where + "." + field + " must be a whole number >= 0, not '" + v.asText() + "'");
        }
        return v.asLong();
    }
}
