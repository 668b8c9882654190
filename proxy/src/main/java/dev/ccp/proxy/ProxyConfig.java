package dev.ccp.proxy;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Flags;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.CatalogException;
import dev.ccp.policy.catalog.CatalogFiles;
import dev.ccp.policy.catalog.MergedCatalog;
import dev.ccp.proxy.upstream.Timeouts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy's settings, from its arguments and an environment map (never read from System.getenv
 * below Main, so tests pass their own).
 *
 * <p>Port: {@code --port}, else {@code CCP_PORT}, else {@code MITM_PORT}, else 8082. Host: {@code --host},
 * else 127.0.0.1. Catalog: the built-in policy, {@code configs/providers.yaml},
 * {@code ~/.config/ccp/providers.yaml} and the {@code --providers} / {@code CCP_PROVIDERS_FILE} file,
 * merged in that order (see {@link #catalogFiles()}).
 */
public record ProxyConfig(String host, int port, Optional<Path> providersFile, CcpPaths paths, Timeouts timeouts,
                          boolean forceH1, boolean paused, long maxBodyBytes, Map<String, String> env) {

    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;

    static final String USAGE_LINE = "ccp-proxy [--host H] [--port N] [--providers FILE]";

    /** What {@code bin/ccp-proxy --help} prints. */
    public static final String USAGE = """
            Usage: %s
            The ccp proxy: point ANTHROPIC_BASE_URL at it; it routes each request to its provider,
            relays the answer and writes events to the log (CCP_LOG_DIR/queue).
              --host H           listening address (default 127.0.0.1)
              --port N           listening port (else CCP_PORT, else MITM_PORT, else 8082; 0 = any free port)
              --providers FILE   the top catalog layer (else CCP_PROVIDERS_FILE)
              -h, --help         this text
            Variables: docs/VARIABLES.md; endpoints and behaviour: docs/PROXY.md.""".formatted(USAGE_LINE);

    /** Whether the arguments ask for the usage text. */
    public static boolean helpAsked(String[] args) {
        return java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    /**
     * The body-sampling flag file ({@code make tee-on} creates it): {@code CCP_TEE_FILE}, else
     * {@code tee} in the user's ccp config folder ({@code ~/.config/ccp/tee}).
     */
    public Path teeFile() {
        String f = env.get("CCP_TEE_FILE");
        return f != null && !f.isBlank() ? paths.home().resolve(f).normalize() : paths.userConfigDir().resolve("tee");
    }

    /** @throws IllegalArgumentException with one clear line when an argument or variable is wrong */
    public static ProxyConfig from(String[] args, Map<String, String> env) {
        String host = "127.0.0.1";
        String port = null;
        String providers = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            String name = a;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--host", "--port", "--providers" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (name.equals("--host")) {
                        host = value;
                    } else if (name.equals("--port")) {
                        port = value;
                    } else {
                        providers = value;
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + a + " (usage: " + USAGE_LINE + ")");
            }
        }
        String portSource = "--port";
        if (port == null && set(env, "CCP_PORT")) {
            port = env.get("CCP_PORT");
            portSource = "CCP_PORT";
        } else if (port == null && set(env, "MITM_PORT")) {
            port = env.get("MITM_PORT");
            portSource = "MITM_PORT";
        }
        int p = 8082;
        if (port != null) {
            try {
                p = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(portSource + "=" + port + " is not a port number (0-65535)");
            }
        }
        for (String flag : FLAGS) {
            Flags.fromEnv(env, flag);
        }
        CcpPaths paths = CcpPaths.from(env, System.getProperty("ccp.home"));
        Optional<Path> file;
        if (providers != null) {
            file = Optional.of(paths.home().resolve(providers));
        } else if (set(env, "CCP_PROVIDERS_FILE")) {
            file = Optional.of(paths.home().resolve(env.get("CCP_PROVIDERS_FILE")));
        } else {
            Path def = paths.configsDir().resolve("providers.yaml");
            file = Files.isRegularFile(def) ? Optional.of(def) : Optional.empty();
        }
        return new ProxyConfig(host, p, file, paths, Timeouts.fromEnv(env), flag(env, "MITM_FORCE_H1"),
                flag(env, "OFFLOAD_PAUSED"), maxBody(env), Map.copyOf(env));
    }

    /**
     * The catalog in force, merged from its layers (built-in policy, configs/providers.yaml,
     * ~/.config/ccp/providers.yaml, the --providers / CCP_PROVIDERS_FILE file, then ZAI_HEADER_MODE
     * and FORCE_HAIKU_TO_ZAI).
     *
     * @throws CatalogException naming the file, the line and the problem
     */
    public Catalog loadCatalog() {
        return MergedCatalog.load(catalogFiles(), env).catalog();
    }

    /** The catalog's files, lowest layer first. */
    public CatalogFiles catalogFiles() {
        Path named = providersFile.filter(f -> !f.equals(paths.configsDir().resolve("providers.yaml"))).orElse(null);
        return CatalogFiles.of(paths, env, named);
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    /** The proxy's on/off variables, all checked at start: an unknown value stops it with one line. */
    static final List<String> FLAGS = List.of("MITM_FORCE_H1", "OFFLOAD_PAUSED", "FORCE_HAIKU_TO_ZAI", "MITM_ENABLE_BACKOFF");

    static boolean flag(Map<String, String> env, String name) {
        return Flags.fromEnv(env, name);
    }

    /** CCP_MAX_BODY: bytes, or with a unit (32MiB, 512KiB, 10MB, 1m). */
    static long maxBody(Map<String, String> env) {
        String v = env.get("CCP_MAX_BODY");
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_BODY;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"kb", "1000"}, {"mb", "1000000"},
                {"gb", "1000000000"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(s) * unit;
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CCP_MAX_BODY=" + v + " is not a size (examples: 33554432, 32MiB, 512KiB)");
        }
    }
}
