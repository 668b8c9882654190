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
                "Requests from this shell count under the current folder's name as project (--project NAME to choose).",
                "Use: eval \"$(bin/cc env)\"  (same as: source scripts/sub-env.sh PORT). Base-URL mode",
                "(ANTHROPIC_BASE_URL) is the default; --mitm gives interception mode instead: HTTPS_PROXY and",
                "NODE_EXTRA_CA_CERTS (the CA, made on first use; see cc ca), ANTHROPIC_BASE_URL unset."})
public final class EnvCommand extends CcSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT",
            description = "Proxy port (default: CCP_PORT, else MITM_PORT, else 8082).")
    Integer port;

    @picocli.CommandLine.Option(names = "--mitm",
            description = "Interception mode: HTTPS_PROXY plus the CA to trust, instead of ANTHROPIC_BASE_URL.")
    boolean mitm;

    @picocli.CommandLine.Option(names = "--project", paramLabel = "NAME",
            description = "Project the requests of this shell count under (header x-ccp-project, sent through"
                    + " ANTHROPIC_CUSTOM_HEADERS; default: the current folder's name).")
    String project;

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
        Map<String, String> exports = mitm
                ? ClientEnvironment.mitmExports(p, dev.ccp.cli.ca.CaCommand.ensure(ctx).ca().file())
                : ClientEnvironment.exports(p);
        java.util.List<String> unset = mitm ? ClientEnvironment.UNSET_MITM : ClientEnvironment.UNSET;
        String name = project != null ? ClientEnvironment.checkedProject(project)
                : ClientEnvironment.projectOf(ctx.var("PWD") != null ? ctx.var("PWD") : System.getProperty("user.dir"));
        if (name != null) {
            exports.put(ClientEnvironment.CUSTOM_HEADERS,
                    ClientEnvironment.customHeaders(ctx.var(ClientEnvironment.CUSTOM_HEADERS), name));
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("port", p);
            if (mitm) {
                doc.put("mode", "https_proxy");
            }
            doc.put("export", exports);
            doc.put("unset", unset);
            Json.print(out(), doc);
            return 0;
        }
        exports.forEach((var, value) -> out().println("export " + var + "=" + ClientEnvironment.quoted(value)));
        out().println("unset " + String.join(" ", unset));
        return 0;
    }

    /** A path with a space or quote must survive eval. */
    private static String shellQuoted(String value) {
        return value.matches("[A-Za-z0-9_./:@%+=,-]*") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
