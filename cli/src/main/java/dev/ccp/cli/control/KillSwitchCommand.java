package dev.ccp.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
        JsonNode state = AdminClient.post(ctx, port, action);
        if (json.on()) {
            Json.print(out(), state);
            return 0;
        }
        boolean paused = state.path("paused").asBoolean();
        boolean changed = state.path("changed").asBoolean();
        String def = state.path("default_provider").asText();
        out().println(paused
                ? (changed ? "offload paused" : "offload was already paused") + ": every request goes to " + def + " (decision paused)"
                : (changed ? "offload resumed" : "offload was not paused") + ": requests are routed by the catalog again");
        return 0;
    }
}
