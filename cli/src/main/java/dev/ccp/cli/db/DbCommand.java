package dev.ccp.cli.db;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.GroupCommand;
import picocli.CommandLine.Command;

/** {@code cc db …}: the stored data. {@code status} and {@code export} join when the SQLite projection exists. */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "The event log and its SQLite projection.",
        subcommands = ImportCommand.class)
public final class DbCommand extends GroupCommand {
    public DbCommand(CliContext ctx) {
        super(ctx);
    }
}
