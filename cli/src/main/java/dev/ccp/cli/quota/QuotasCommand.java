package dev.ccp.cli.quota;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.GroupCommand;
import picocli.CommandLine.Command;

/** {@code cc quotas …}: the running proxy's quotas. */
@Command(name = "quotas", mixinStandardHelpOptions = true,
        description = "The proxy's quotas (see 'cc status' for where they stand).",
        subcommands = QuotasReloadCommand.class)
public final class QuotasCommand extends GroupCommand {
    public QuotasCommand(CliContext ctx) {
        super(ctx);
    }
}
