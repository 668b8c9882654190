package dev.ccp.cli;

import dev.ccp.cli.agg.AggCommand;
import dev.ccp.cli.bundle.BundleCommand;
import dev.ccp.cli.client.EnvCommand;
import dev.ccp.cli.lifecycle.OffCommand;
import dev.ccp.cli.lifecycle.OnCommand;
import dev.ccp.cli.client.ModelCommand;
import dev.ccp.cli.control.PauseCommand;
import dev.ccp.cli.control.ProvidersCommand;
import dev.ccp.cli.control.ResumeCommand;
import dev.ccp.cli.dashboard.DashboardCommand;
import dev.ccp.cli.dashboard.StatuslineCommand;
import dev.ccp.cli.db.DbCommand;
import dev.ccp.cli.license.LicenseCommand;
import dev.ccp.cli.partials.PartialsCommand;
import dev.ccp.cli.quota.QuotasCommand;
import dev.ccp.cli.quota.StatusCommand;
import dev.ccp.cli.repomap.RepoMapCommand;
import dev.ccp.cli.samples.SamplesCommand;
import dev.ccp.cli.report.ReplayCommand;
import dev.ccp.cli.report.SummarizeCommand;
import dev.ccp.cli.report.UsageCommand;
import dev.ccp.cli.report.WhatIfCommand;
import dev.ccp.cli.report.VerifyRoutingCommand;
import dev.ccp.cli.support.GroupCommand;
import picocli.CommandLine.Command;

/**
 * The top command. To add a command: write a class extending {@link dev.ccp.cli.support.CcSubcommand}
 * (or {@link GroupCommand} for one with subcommands) and list it here; see docs/CLI.md.
 */
@Command(name = "cc",
        mixinStandardHelpOptions = true,
        versionProvider = CcCommand.Version.class,
        description = "ccp's operator CLI: point Claude Code at the proxy, inspect what it recorded, manage the license.",
        footer = {"", "Exit status: 0 ok, 1 a check failed, 2 usage or I/O error (one line on stderr).",
                "bin/cc and bin/ccp are the same program; 'cc completion' prints a bash/zsh completion script."},
        subcommands = {
                EnvCommand.class,
                ModelCommand.class,
                ProvidersCommand.class,
                PauseCommand.class,
                ResumeCommand.class,
                PartialsCommand.class,
                DbCommand.class,
                LicenseCommand.class,
                StatusCommand.class,
                QuotasCommand.class,
                CompletionCommand.class,
                SummarizeCommand.class,
                VerifyRoutingCommand.class,
                UsageCommand.class,
                ReplayCommand.class,
                AggCommand.class,
                BundleCommand.class,
                OnCommand.class,
                OffCommand.class,
                RepoMapCommand.class,
                dev.ccp.cli.ca.CaCommand.class,
                WhatIfCommand.class,
                DashboardCommand.class,
                StatuslineCommand.class,
                SamplesCommand.class,
        })
public final class CcCommand extends GroupCommand {
    public CcCommand(CliContext ctx) {
        super(ctx);
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[]{"ccp " + (v == null ? "(development build)" : v)};
        }
    }
}
