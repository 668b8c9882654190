package dev.ccp.cli.db;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.GroupCommand;
import picocli.CommandLine.Command;

/** {@code cc db …}: the stored data: the SQLite projection's status and samples, and imports into the log. */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "The event log and its SQLite projection.",
        subcommands = {DbStatusCommand.class, DbExportCommand.class, ImportCommand.class})
public final class DbCommand extends GroupCommand {
    public DbCommand(CliContext ctx) {
        super(ctx);
    }
}
