package dev.ccp.events;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Who a machine's traffic belongs to in a team: {@code CCP_MEMBER}, else {@code user@host}. The proxy
 * records it in {@code ProxyStarted}; the shipper adds it to every record it ships.
 */
public final class Members {
    private Members() {
    }

    public static String fromEnvironment() {
        return from(System.getenv());
    }

    public static String from(Map<String, String> env) {
        String set = env.get("CCP_MEMBER");
        if (set != null && !set.isBlank()) {
            return set.strip();
        }
        String user = env.getOrDefault("USER", System.getProperty("user.name", "user"));
        return (user == null || user.isBlank() ? "user" : user) + "@" + host(env);
    }

    private static String host(Map<String, String> env) {
        String h = env.get("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
