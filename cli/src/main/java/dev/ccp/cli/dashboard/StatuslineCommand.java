package dev.ccp.cli.dashboard;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.client.ClientEnvironment;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.LoopbackHttp;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.time.Duration;

/**
 * {@code cc statusline}: listed here for the help text. {@code bin/cc} answers it with
 * {@code bin/lib/statusline} (one curl, no JVM start) because Claude Code calls it often; this class
 * gives the same line when the CLI is run some other way.
 */
@Command(name = "statusline", mixinStandardHelpOptions = true,
        description = {"Print one short line for Claude Code's statusLine setting.",
                "For example:",
                "  ccp ▸ zai · offload 62%% today · zai-coding-plan 41%%",
                "Reads (and ignores) Claude Code's JSON on stdin. bin/cc answers it without starting a JVM;",
                "'cc env --statusline' prints the ~/.claude/settings.json lines."})
public final class StatuslineCommand extends CcSubcommand {
    public StatuslineCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        int p = ClientEnvironment.port(null, ctx);
        try {
            LoopbackHttp.Response res = LoopbackHttp.get(p, "/dashboard/api/statusline", Duration.ofMillis(200), Duration.ofMillis(500));
            if (res.status() == 200 && !res.body().isBlank()) {
                out().println(res.body().strip());
                return 0;
            }
        } catch (IOException e) {
            // Answered below.
        }
        out().println("ccp ▸ off (no proxy on :" + p + ")");
        return 0;
    }
}
