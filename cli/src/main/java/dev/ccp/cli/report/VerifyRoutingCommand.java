package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code cc verify-routing}: the guide's traffic audit over logs/usage.jsonl; exit 1 on any violation. */
@Command(name = "verify-routing", mixinStandardHelpOptions = true,
        description = {"Audit the routing recorded in logs/usage.jsonl; exit 1 on a violation.",
                "usage.jsonl is brought up to date with the log first. It prints",
                "the share of routing decisions sent to Z.AI, completions per lane, and the violations checked:",
                "  haiku_on_anthropic       a Haiku request served by Anthropic whose decision does not explain it",
                "                           (explained: paused, missing_credentials, the fallback and block decisions)",
                "  zai_header_on_anthropic  a Z.AI credential mode (x-api-key/authorization) on an Anthropic line",
                "Exit status: 0 no violation, 1 any violation, 2 no projection or an I/O error."})
public final class VerifyRoutingCommand extends CcSubcommand {
    @Mixin
    JsonOption json;

    public VerifyRoutingCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        RoutingAudit audit = audit(ctx);
        if (json.on()) {
            Json.print(out(), audit.document());
        } else {
            audit.textLines().forEach(out()::println);
        }
        return audit.totalViolations() == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    /** The audit of this install's usage.jsonl, brought up to date with the log first. */
    public static RoutingAudit audit(CliContext ctx) throws IOException {
        Projections.catchUp(ctx, Set.of("usage-jsonl"));
        Path file = ctx.paths().usageJsonl();
        if (!Files.isRegularFile(file)) {
            throw Projections.noneYet(ctx.paths().logDir());
        }
        return RoutingAudit.of(file, Json.mapper());
    }
}
