package dev.ccp.proxy.readiness;

import dev.ccp.events.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.proxy.upstream.AttemptPolicy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last error each provider gave (an error status, or no answer), seen through the attempt loop:
 * {@link #recorder()} is an attempt policy that only watches. Holds the status and the error type,
 * never a body or a header.
 */
public final class UpstreamErrors {
    /** {@code status} 0 when no answer came; {@code type} the Anthropic error type or the failure kind. */
    public record LastError(Instant at, int status, String type) {
    }

    private static final ObjectMapper JSON = Json.MAPPER;
    private final InstantSource clock;
    private final Map<String, LastError> last = new ConcurrentHashMap<>();

    public UpstreamErrors(InstantSource clock) {
        this.clock = clock;
    }

    public LastError last(String provider) {
        return last.get(provider);
    }

    /** Watches every attempt and always lets it through. Put it first in a composition. */
    public AttemptPolicy recorder() {
        return a -> {
            if (a.failure() != null) {
                last.put(a.decision().provider().name(), new LastError(clock.instant(), 0, a.failure().outcome()));
            } else if (a.status() >= 400) {
                last.put(a.decision().provider().name(), new LastError(clock.instant(), a.status(), errorType(a.errorBody(), a.status())));
            }
            return AttemptPolicy.Next.DELIVER;
        };
    }

    private static String errorType(byte[] body, int status) {
        if (body != null && body.length > 0) {
            try {
                JsonNode n = JSON.readTree(body);
                String t = n.path("error").path("type").asText("");
                if (t.matches("[a-z_]{1,64}")) {
                    return t;
                }
            } catch (Exception ignored) {
                // not JSON: the status says enough
            }
        }
        return "http_" + status;
    }
}
