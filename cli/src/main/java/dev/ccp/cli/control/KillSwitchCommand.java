package dev.ccp.cli.control;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code cc pause} and {@code cc resume}: one flip of the running proxy's kill switch, and what it is now. */
abstract class KillSwitchCommand extends CcSubcommand {
    @Option(names = "--port", paramLabel = "PORT", description = "The proxy's port (default: CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @Mixin
    JsonOption json;

    private final String action;

    KillSwitchCommand(CliContext ctx, String action) {
        super(ctx);
        this.action = action;
    }

    @Override
    protected int run() {
        AdminClient.Answer answer = AdminClient.post(ctx, port, action);
        if (json.on()) {
            Json.print(out(), readTree(answer.text()));
            return 0;
        }
        Map<String, Object> state = answer.document();
        boolean paused = Boolean.TRUE.equals(state.get("paused"));
        boolean changed = Boolean.TRUE.equals(state.get("changed"));
        String def = state.containsKey("default_provider") ? String.valueOf(state.get("default_provider")) : "";
        out().println(paused
                ? (changed ? "offload paused" : "offload was already paused") + ": every request goes to " + def + " (decision paused)"
                : (changed ? "offload resumed" : "offload was not paused") + ": requests are routed by the catalog again");
        return 0;
    }

    /** The answer as the JSON tree {@code --json} prints (the same text the proxy sent, reformatted compact). */
    private static Object readTree(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // Read once already by AdminClient.
        }
    }
}
