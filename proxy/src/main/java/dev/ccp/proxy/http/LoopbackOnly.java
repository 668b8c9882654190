package dev.ccp.proxy.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the dashboard: the caller is on
 * loopback and the {@code Host} it asked for is a loopback name. The second half matters for
 * browsers: a page from another site that rebinds its DNS name to 127.0.0.1 reaches the proxy from
 * loopback, but still sends its own name as {@code Host}.
 */
public final class LoopbackOnly {
    private LoopbackOnly() {
    }

    /** Why the request is refused, or empty when it may be answered. */
    public static Optional<String> refusal(ServerRequest req) {
        if (!(req.remotePeer().address() instanceof InetSocketAddress a) || a.getAddress() == null
                || !a.getAddress().isLoopbackAddress()) {
            return Optional.of("answered only to callers on loopback");
        }
        String host = req.headers().first(HeaderNames.HOST).orElse(null);
        if (host == null || !loopbackHost(host)) {
            return Optional.of("answered only when the Host is a loopback name (127.0.0.1, localhost or [::1]), not '"
                    + (host == null ? "" : host) + "'");
        }
        return Optional.empty();
    }

    /** {@code localhost}, {@code 127.x.y.z} or {@code [::1]}, with or without a port. */
    static boolean loopbackHost(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            String rest = h.substring(end + 1);
            return h.substring(1, end).equals("::1") && (rest.isEmpty() || rest.matches(":\\d{1,5}"));
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        if (colon >= 0 && !h.substring(colon + 1).matches("\\d{1,5}")) {
            return false;
        }
        if (name.equals("localhost") || name.equals("localhost.")) {
            return true;
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
