package dev.ccp.proxy.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the operator's endpoints ({@code /admin}, quota reload, the dashboard to come): a
 * loopback caller that names a loopback host and is no browser page. The {@code Host} check stops
 * DNS rebinding: a page on {@code evil.example.com} whose name is made to resolve to 127.0.0.1 does
 * reach the proxy from loopback, but its requests say {@code Host: evil.example.com}.
 */
public final class LocalCallers {
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private LocalCallers() {
    }

    /** Why {@code req} may not use an operator endpoint, or null when it may. */
    public static String refusal(ServerRequest req) {
        if (!(req.remotePeer().address() instanceof InetSocketAddress a) || a.getAddress() == null
                || !a.getAddress().isLoopbackAddress()) {
            return "answered only to callers on this machine (loopback)";
        }
        String host = req.headers().first(HeaderNames.HOST).orElse(null);
        if (host == null || !loopbackHost(host)) {
            return "answered only to requests whose Host is 127.0.0.1, localhost or [::1] (with an optional port)";
        }
        if (req.headers().contains(HeaderNames.ORIGIN)) {
            return "not answered to a browser page (Origin header)";
        }
        return null;
    }

    /** {@code 127.0.0.1}, {@code localhost} or {@code [::1]}, each with an optional {@code :port}. */
    static boolean loopbackHost(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = h.startsWith("[") ? h.indexOf(':', h.indexOf(']')) : h.indexOf(':');
        if (colon >= 0) {
            String port = h.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return false;
            }
            h = h.substring(0, colon);
        }
        return LOOPBACK_NAMES.contains(h);
    }
}
