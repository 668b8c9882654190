package dev.ccp.cli.client;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CommandFailure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables that point Claude Code at the proxy. scripts/sub-env.sh sets the same ones (a test
 * holds the two together).
 */
public final class ClientEnvironment {
    public static final int DEFAULT_PORT = 8082;
    /** Variables naming the port, first set wins. */
    static final List<String> PORT_VARIABLES = List.of("CCP_PORT", "MITM_PORT");
    /**
     * Removed because they would bypass or break the proxy: the older MITM set HTTPS_PROXY and a CA;
     * ANTHROPIC_AUTH_TOKEN may hold a Z.AI key (the guide's direct Z.AI test), which must never reach
     * Anthropic. ANTHROPIC_API_KEY stays: it is the user's own Anthropic credential, passed through.
     */
    static final List<String> UNSET = List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
            "NODE_EXTRA_CA_CERTS", "ANTHROPIC_AUTH_TOKEN");

    private ClientEnvironment() {
    }

    static Map<String, String> exports(int port) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port);
        vars.put("CLAUDE_CODE_SUBAGENT_MODEL", "haiku");
        return vars;
    }

    /** The given port, else CCP_PORT, else MITM_PORT, else 8082. */
    public static int port(Integer given, CliContext ctx) {
        if (given != null) {
            return checked(given, "PORT " + given);
        }
        for (String name : PORT_VARIABLES) {
            String v = ctx.var(name);
            if (v != null) {
                try {
                    return checked(Integer.parseInt(v.strip()), name + "=" + v);
                } catch (NumberFormatException e) {
                    throw CommandFailure.of(name + "=" + v + " is not a port number (1-65535)");
                }
            }
        }
        return DEFAULT_PORT;
    }

    /** What {@code cc env PORT} prints: the lines {@code cc on} writes to its env file. */
    public static String shellScript(int port) {
        StringBuilder b = new StringBuilder();
        exports(port).forEach((name, value) -> b.append("export ").append(name).append('=').append(value).append('\n'));
        b.append("unset ").append(String.join(" ", UNSET)).append('\n');
        return b.toString();
    }

    private static int checked(int port, String what) {
        if (port < 1 || port > 65_535) {
            throw CommandFailure.of(what + " is not a port number (1-65535)");
        }
        return port;
    }
}
