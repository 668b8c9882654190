package dev.ccp.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cc resume}: flips the kill switch of the running proxy (a ConfigChanged event records it). */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Resume offload after cc pause (or OFFLOAD_PAUSED=1): requests are routed by the catalog again.",
                "Talks to the running proxy's loopback admin endpoint (POST /admin/resume); the flip is recorded",
                "as a ConfigChanged event. Exit status 2 when no proxy is running there."})
public final class ResumeCommand extends CcSubcommand {
    @Option(names = "--port", paramLabel = "PORT", description = "The proxy's port (default: CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @Mixin
    JsonOption json;

    public ResumeCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        JsonNode state = AdminClient.post(ctx, port, "resume");
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
