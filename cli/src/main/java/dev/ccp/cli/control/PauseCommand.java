package dev.ccp.cli.control;

import dev.ccp.cli.CliContext;
import picocli.CommandLine.Command;

/** {@code cc pause}: flips the kill switch of the running proxy (a ConfigChanged event records it). */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pause offload: every request goes to the default provider (decision paused) until cc resume.",
                "Talks to the running proxy's loopback admin endpoint (POST /admin/pause); the flip is recorded",
                "as a ConfigChanged event. Exit status 2 when no proxy is running there."})
public final class PauseCommand extends KillSwitchCommand {
    public PauseCommand(CliContext ctx) {
        super(ctx, "pause");
    }
}
