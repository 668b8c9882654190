package dev.ccp.cli.client;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cc env [PORT]}: the shell lines that point Claude Code at the proxy, for {@code eval "$(bin/cc env)"}. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Print the exports that point Claude Code at the proxy, and the unsets that would bypass it.",
                "Use: eval \"$(bin/cc env)\"  (same as: source scripts/sub-env.sh PORT)"})
public final class EnvCommand extends CcSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT",
            description = "Proxy port (default: CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @Mixin
    JsonOption json;

    @picocli.CommandLine.Option(names = "--statusline",
            description = "Print instead the ~/.claude/settings.json lines that make Claude Code show 'cc statusline'.")
    boolean statusline;

    public EnvCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        int p = ClientEnvironment.port(port, ctx);
        if (statusline) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "command");
            // The script finds the port in CCP_PORT; Claude Code runs the command through a shell.
            line.put("command", (p == ClientEnvironment.DEFAULT_PORT ? "" : "CCP_PORT=" + p + " ")
                    + ctx.paths().home().resolve("bin").resolve("cc") + " statusline");
            line.put("padding", 0);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("statusLine", line);
            if (!json.on()) {
                err().println("# add to ~/.claude/settings.json (merged with what is there):");
                err().flush();
            }
            try {
                out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return 0;
        }
        Map<String, String> exports = ClientEnvironment.exports(p);
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("port", p);
            doc.put("export", exports);
            doc.put("unset", ClientEnvironment.UNSET);
            Json.print(out(), doc);
            return 0;
        }
        exports.forEach((name, value) -> out().println("export " + name + "=" + value));
        out().println("unset " + String.join(" ", ClientEnvironment.UNSET));
        return 0;
    }
}
