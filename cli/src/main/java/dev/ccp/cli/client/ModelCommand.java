package dev.ccp.cli.client;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code cc model [NAME | --clear]}: the manual override in {@code ~/.config/ccp/model}. The proxy
 * watches the file and routes as if each request's model were NAME (decision {@code manual_override}).
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Show, set or clear the preferred model (~/.config/ccp/model).",
                "While set, the proxy routes every request as if its model were NAME (decision manual_override);",
                "the request body is not rewritten."})
public final class ModelCommand extends CcSubcommand {
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}");

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Model to prefer, e.g. haiku or claude-sonnet-4-5.")
    String name;

    @Option(names = "--clear", description = "Remove the override.")
    boolean clear;

    @Mixin
    JsonOption json;

    public ModelCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Path file = ctx.paths().userConfigDir().resolve("model");
        if (clear && name != null) {
            throw CommandFailure.of("give a model NAME or --clear, not both");
        }
        String before = read(file);
        String after = before;
        String message;
        if (clear) {
            Files.deleteIfExists(file);
            after = null;
            message = before == null ? "no model override was set" : "model override cleared (was " + before + ")";
        } else if (name != null) {
            if (!MODEL_NAME.matcher(name).matches()) {
                throw CommandFailure.of("'" + name + "' is not a model name (letters, digits and . _ : / @ + - only)");
            }
            write(file, name);
            after = name;
            message = "model override set to " + name + " (" + file + ")";
        } else {
            message = before == null
                    ? "no model override set: each request is routed by its own model"
                    : "model override: " + before + " (" + file + ")";
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", after);
            doc.put("file", file.toString());
            Json.print(out(), doc);
        } else {
            out().println(message);
        }
        return 0;
    }

    /** The override in force, or null. An empty file counts as none. */
    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String v = Files.readString(file, StandardCharsets.UTF_8).strip();
        return v.isEmpty() ? null : v;
    }

    /** Atomic replace, so the proxy watching the file never reads half a name. */
    private static void write(Path file, String model) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".model-", ".tmp");
        try {
            Files.writeString(tmp, model + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
