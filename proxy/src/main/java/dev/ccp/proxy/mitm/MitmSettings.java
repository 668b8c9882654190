package dev.ccp.proxy.mitm;

import dev.ccp.events.CcpPaths;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * @param caDir   where the CA lives ({@code ca/} in the user's ccp config folder)
 * @param tunnel  whether CONNECTs to hosts that are not intercepted are tunnelled ({@code CCP_MITM_TUNNEL}, default on)
 * @param dial    the connect timeout of a tunnel (CCP_DIAL_TIMEOUT)
 */
public record MitmSettings(Path caDir, boolean tunnel, Duration dial, Map<String, String> env) {
    public static final String TUNNEL_VARIABLE = "CCP_MITM_TUNNEL";

    /** @throws IllegalArgumentException naming the variable when CCP_MITM_TUNNEL or CCP_MITM_HOSTS is wrong */
    public static MitmSettings from(CcpPaths paths, Map<String, String> env, Duration dial) {
        dev.ccp.policy.ca.InterceptedHosts.of(env, java.util.List.of());
        return new MitmSettings(caDir(paths), onOff(env, TUNNEL_VARIABLE, true), dial, Map.copyOf(env));
    }

    /** The CA's folder: {@code ~/.config/ccp/ca} (under {@code XDG_CONFIG_HOME} when set). */
    public static Path caDir(CcpPaths paths) {
        return paths.userConfigDir().resolve("ca");
    }

    static boolean onOff(Map<String, String> env, String name, boolean unset) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return unset;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + "=" + v + " is not an on/off value (1 or 0)");
        };
    }
}
