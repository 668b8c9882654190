package dev.ccp.events;

import java.util.Locale;
import java.util.Map;

/** On/off variables ({@code MITM_FORCE_H1}, {@code OFFLOAD_PAUSED}, …): one reading of them for every program. */
public final class Flags {
    private Flags() {
    }

    /**
     * {@code 1}, {@code true}, {@code yes}, {@code on} are on; {@code 0}, {@code false}, {@code no},
     * {@code off}, empty or unset are off (any case).
     *
     * @throws IllegalArgumentException naming the variable for any other value (a typo must not silently mean off)
     */
    public static boolean fromEnv(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "", "0", "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + "=" + v + " is neither on nor off (use 1 or 0)");
        };
    }
}
