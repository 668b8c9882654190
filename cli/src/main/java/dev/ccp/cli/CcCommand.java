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

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top command. To add a command: write a class extending {@link dev.ccp.cli.support.CcSubcommand}
 * (or {@link GroupCommand} for one with subcommands) and list it in {@link #SUBCOMMANDS}; see docs/CLI.md.
 */
@Command(name = "cc",
        mixinStandardHelpOptions = true,
        versionProvider = CcCommand.Version.class,
        description = "ccp's operator CLI: point Claude Code at the proxy, inspect what it recorded, manage the license.",
        footer = {"", "Exit status: 0 ok, 1 a check failed, 2 usage or I/O error (one line on stderr).",
                "bin/cc and bin/ccp are the same program; 'cc completion' prints a bash/zsh completion script."})
public final class CcCommand extends GroupCommand {
    /**
     * Every subcommand by its name, in the order {@code cc --help} lists them. Kept as a table rather
     * than in {@code @Command(subcommands=...)} so that {@link Cli} can build only the command a line
     * names: picocli builds each listed command's model by reflection, which for the whole tree costs
     * a short-lived JVM more than the command itself. A test checks each name against its class.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("env", EnvCommand.class);
        m.put("model", ModelCommand.class);
        m.put("providers", ProvidersCommand.class);
        m.put("pause", PauseCommand.class);
        m.put("resume", ResumeCommand.class);
        m.put("partials", PartialsCommand.class);
        m.put("db", DbCommand.class);
        m.put("license", LicenseCommand.class);
        m.put("status", StatusCommand.class);
        m.put("quotas", QuotasCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("summarize", SummarizeCommand.class);
        m.put("verify-routing", VerifyRoutingCommand.class);
        m.put("usage", UsageCommand.class);
        m.put("replay", ReplayCommand.class);
        m.put("agg", AggCommand.class);
        m.put("bundle", BundleCommand.class);
        m.put("on", OnCommand.class);
        m.put("off", OffCommand.class);
        m.put("repo-map", RepoMapCommand.class);
        m.put("ca", dev.ccp.cli.ca.CaCommand.class);
        m.put("whatif", WhatIfCommand.class);
        m.put("dashboard", DashboardCommand.class);
        m.put("statusline", StatuslineCommand.class);
        m.put("samples", SamplesCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

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
