package dev.ccp.cli;

import dev.ccp.events.CcpPaths;

import java.time.InstantSource;
import java.util.Map;

/**
 * Everything a command reads from outside: the variables, the paths and the clock. Tests build one
 * over a temp folder; {@link #system()} is the real machine.
 */
public record CliContext(Map<String, String> env, CcpPaths paths, InstantSource clock) {

    public CliContext {
        env = Map.copyOf(env);
    }

    public static CliContext system() {
        return new CliContext(System.getenv(), CcpPaths.fromEnvironment(), InstantSource.system());
    }

    /** The variable's value, or null when unset or blank. */
    public String var(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** {@code CCP_DEBUG=1}: errors also print their stack trace. */
    public boolean debug() {
        String v = var("CCP_DEBUG");
        return v != null && !v.equals("0") && !v.equalsIgnoreCase("false");
    }
}
