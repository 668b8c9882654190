package dev.ccp.proxy.upstream;

import dev.ccp.events.HeaderModes;
import dev.ccp.policy.catalog.Provider;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Which headers go upstream and back, and the credential rule: a provider with {@code auth:
 * passthrough} gets the client's own {@code x-api-key}/{@code Authorization} untouched and nothing
 * else; any other provider gets both removed and its own key set per its header mode. So an
 * Anthropic credential never reaches another host, whatever path (error, retry, reroute) leads there.
 */
public final class OutboundHeaders {
    static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the HTTP client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "http2-settings");
    /** Not forwarded back to the client: hop-by-hop, plus the framing the server sets itself. */
    private static final Set<String> NOT_RETURNED = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private OutboundHeaders() {
    }

    /**
     * The headers to send to {@code provider}.
     *
     * @param credentials the provider's key by variable name
     * @throws IllegalStateException when the provider needs a key that is not set (routing prevents it)
     */
    public static WritableHeaders<?> forProvider(Headers client, Provider provider, Function<String, String> credentials) {
        WritableHeaders<?> out = WritableHeaders.create();
        boolean passthrough = provider.passesClientCredentials();
        for (Header h : client) {
            String name = h.headerName().lowerCase();
            if (NOT_FORWARDED.contains(name)) {
                continue;
            }
            if (!passthrough && (name.equals("x-api-key") || name.equals("authorization"))) {
                continue;
            }
            if (name.equals("accept-encoding")) {
                // The usage side-parser reads the body as it passes: ask for it uncompressed.
                continue;
            }
            out.add(h);
        }
        if (!passthrough) {
            String key = credentials.apply(provider.authEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalStateException(provider.authEnv() + " is not set");
            }
            if (HeaderModes.AUTHORIZATION.equals(provider.headerMode())) {
                out.set(HeaderValues.create(HeaderNames.AUTHORIZATION, "Bearer " + key.trim()));
            } else {
                out.set(HeaderValues.create(X_API_KEY, key.trim()));
            }
        }
        return out;
    }

    /** Whether an upstream response header goes back to the client. */
    public static boolean returned(Header h) {
        return !NOT_RETURNED.contains(h.headerName().lowerCase());
    }

    /** The credential mode the client used, for the event (never the value). */
    public static String clientAuthMode(Headers client) {
        if (client.contains(X_API_KEY)) {
            return HeaderModes.X_API_KEY;
        }
        if (client.contains(HeaderNames.AUTHORIZATION)) {
            return HeaderModes.AUTHORIZATION;
        }
        return HeaderModes.NONE;
    }
}
