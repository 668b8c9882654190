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

    /** The header Claude Code sends on every request (through ANTHROPIC_CUSTOM_HEADERS) naming the project. */
    static final String PROJECT_HEADER = "x-ccp-project";
    static final String CUSTOM_HEADERS = "ANTHROPIC_CUSTOM_HEADERS";
    private static final java.util.regex.Pattern PROJECT = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private ClientEnvironment() {
    }

    /**
     * Removed in interception mode: the base URL (the client must keep https://api.anthropic.com so
     * that CONNECT carries it through ccp), the lower-case and plain-HTTP proxy variables (some clients
     * prefer them to HTTPS_PROXY) and ANTHROPIC_AUTH_TOKEN (as above).
     */
    static final List<String> UNSET_MITM = List.of("ANTHROPIC_BASE_URL", "https_proxy", "HTTP_PROXY", "http_proxy",
            "ANTHROPIC_AUTH_TOKEN");

    /**
     * The project name for a folder: its last path element, each byte of its UTF-8 outside
     * {@code [A-Za-z0-9._-]} made a dash, at most 64 (what scripts/sub-env.sh does with {@code tr}); null for /.
     */
    static String projectOf(String folder) {
        if (folder == null) {
            return null;
        }
        String name = folder.endsWith("/") && folder.length() > 1 ? folder.substring(0, folder.length() - 1) : folder;
        name = name.substring(name.lastIndexOf('/') + 1);
        StringBuilder b = new StringBuilder();
        for (byte c : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (b.length() == 64) {
                break;
            }
            b.append(c >= 0 && PROJECT.matcher(String.valueOf((char) c)).matches() ? (char) c : '-');
        }
        return b.isEmpty() ? null : b.toString();
    }

    /** A project name given on the command line, checked. */
    static String checkedProject(String name) {
        if (!PROJECT.matcher(name).matches()) {
            throw CommandFailure.of("--project " + name + " must be 1 to 64 letters, digits, dots, dashes or underscores");
        }
        return name;
    }

    /**
     * ANTHROPIC_CUSTOM_HEADERS with the project header set: the lines already there are kept, except an
     * older x-ccp-project line, which this replaces.
     */
    static String customHeaders(String existing, String project) {
        StringBuilder b = new StringBuilder();
        if (existing != null) {
            for (String line : existing.split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.toLowerCase(java.util.Locale.ROOT).matches("x-ccp-project\\s*:.*")) {
                    continue;
                }
                b.append(line).append('\n');
            }
        }
        return b.append(PROJECT_HEADER).append(": ").append(project).toString();
    }

    /** Shell single quotes, for a value that may hold spaces or newlines. */
    static String quoted(String value) {
        if (value.matches("[A-Za-z0-9._:/-]+")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    static Map<String, String> exports(int port) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port);
        vars.put("CLAUDE_CODE_SUBAGENT_MODEL", "haiku");
        return vars;
    }

    /** Interception mode: the proxy as HTTPS proxy, and the CA Node must trust for the hosts it intercepts. */
    static Map<String, String> mitmExports(int port, java.nio.file.Path caCertificate) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("HTTPS_PROXY", "http://127.0.0.1:" + port);
        vars.put("NODE_EXTRA_CA_CERTS", caCertificate.toString());
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
