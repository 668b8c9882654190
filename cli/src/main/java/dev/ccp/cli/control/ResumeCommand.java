package dev.ccp.cli.control;

import dev.ccp.cli.CliContext;
import picocli.CommandLine.Command;

/** {@code cc resume}: flips the kill switch of the running proxy (a ConfigChanged event records it). */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Resume offload after cc pause (or OFFLOAD_PAUSED=1): requests are routed by the catalog again.",
                "Talks to the running proxy's loopback admin endpoint (POST /admin/resume); the flip is recorded",
                "as a ConfigChanged event. Exit status 2 when no proxy is running there."})
public final class ResumeCommand extends KillSwitchCommand {
    public ResumeCommand(CliContext ctx) {
        super(ctx, "resume");
    }
}
