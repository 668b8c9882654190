package dev.ccp.cli.support;

import dev.ccp.cli.CliContext;
import picocli.CommandLine.ParameterException;

/** A command that only groups subcommands ({@code cc}, {@code cc db}, {@code cc license}): alone it is a usage error. */
public abstract class GroupCommand extends CcSubcommand {
    protected GroupCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        throw new ParameterException(spec.commandLine(),
                "missing command; one of: " + String.join(", ", spec.subcommands().keySet()));
    }
}
