package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.events.Durations;
import dev.ccp.policy.yaml.YamlMap;
import dev.ccp.policy.yaml.YamlReader;
import dev.ccp.policy.yaml.YamlScalar;
import dev.ccp.policy.yaml.YamlSyntaxException;
import dev.ccp.policy.yaml.YamlValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

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
        YamlValue root;
        try {
            root = YamlReader.read(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw CommandFailure.of(file + ": not a readable YAML file (" + e.getMessage() + ")");
        } catch (YamlSyntaxException e) {
            throw CommandFailure.of(e.getMessage());
        }
        if (!(root instanceof YamlMap doc) || !(doc.get("budget") instanceof YamlMap b)) {
            throw CommandFailure.of(root.refusal("no 'budget:' section (see configs/usage-budget.example.yaml)"));
        }
        Duration window = DEFAULT_WINDOW;
        YamlValue w = b.present("window");
        if (w != null) {
            try {
                window = Durations.parse(w.text() == null ? "" : w.text());
            } catch (IllegalArgumentException e) {
                throw CommandFailure.of(w.refusal("budget.window: " + e.getMessage()));
            }
            if (window.isZero() || window.isNegative()) {
                throw CommandFailure.of(w.refusal("budget.window must be positive"));
            }
        }
        Map<String, Limit> lanes = new LinkedHashMap<>();
        if (b.present("lanes") instanceof YamlMap ln) {
            for (Map.Entry<String, YamlValue> e : ln.entries().entrySet()) {
                String where = "budget.lanes." + e.getKey();
                YamlMap lane = e.getValue() instanceof YamlMap m ? m : new YamlMap(Map.of(), file.toString(), e.getValue().line());
                lanes.put(e.getKey(), new Limit(limit(lane, "tokens", where), limit(lane, "completions", where)));
            }
        }
        return new UsageBudget(file, window, limit(b, "tokens", "budget"), limit(b, "completions", "budget"), lanes);
    }

    private static Long limit(YamlMap n, String field, String where) {
        YamlValue v = n.present(field);
        if (v == null) {
            return null;
        }
        OptionalLong whole = v instanceof YamlScalar s && s.kind() == YamlScalar.Kind.INTEGER ? s.wholeNumber() : OptionalLong.empty();
        if (whole.isEmpty() || whole.getAsLong() < 0) {
            throw CommandFailure.of(v.refusal(where + "." + field + " must be a whole number >= 0, not '"
                    + (v.text() == null ? "" : v.text()) + "'"));
        }
        return whole.getAsLong();
    }
}
