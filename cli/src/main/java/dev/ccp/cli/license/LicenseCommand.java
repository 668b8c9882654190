package dev.ccp.cli.license;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.GroupCommand;
import picocli.CommandLine.Command;

/** {@code cc license status|keygen|issue}. */
@Command(name = "license", mixinStandardHelpOptions = true,
        description = {"The license in force, and the tools to issue one (see docs/LICENSING.md).",
                "Without a valid license ccp runs in community mode: everything works but zai_offload."},
        subcommands = {LicenseStatusCommand.class, LicenseKeygenCommand.class, LicenseIssueCommand.class})
public final class LicenseCommand extends GroupCommand {
    public LicenseCommand(CliContext ctx) {
        super(ctx);
    }
}
