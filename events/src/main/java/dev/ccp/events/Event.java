package dev.ccp.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * An immutable fact written to the event log. The proxy writes them; projectors and the CLI read them.
 *
 * <p>Every event carries the envelope fields: an event id, the request id where one applies
 * ({@code null} otherwise), a UTC timestamp in microseconds since the epoch and the id of the
 * proxy instance (or tool) that wrote it. The codec adds the {@code type} name and the schema
 * version {@code v}; see {@code docs/EVENTS.md} for the JSON shape and the versioning rules.
 *
 * <p>No event ever holds a secret: credential handling is recorded as a header <em>mode</em>
 * ({@code passthrough}, {@code x-api-key}, {@code authorization}), never a value.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Event.RequestReceived.class, name = "RequestReceived"),
        @JsonSubTypes.Type(value = Event.RouteDecided.class, name = "RouteDecided"),
        @JsonSubTypes.Type(value = Event.UpstreamAttempt.class, name = "UpstreamAttempt"),
        @JsonSubTypes.Type(value = Event.ResponseCompleted.class, name = "ResponseCompleted"),
        @JsonSubTypes.Type(value = Event.StreamPartial.class, name = "StreamPartial"),
        @JsonSubTypes.Type(value = Event.BodySampled.class, name = "BodySampled"),
        @JsonSubTypes.Type(value = Event.ConfigChanged.class, name = "ConfigChanged"),
        @JsonSubTypes.Type(value = Event.ProxyStarted.class, name = "ProxyStarted"),
        @JsonSubTypes.Type(value = Event.ProxyStopped.class, name = "ProxyStopped"),
        @JsonSubTypes.Type(value = Event.ImportedSample.class, name = "ImportedSample"),
})
public sealed interface Event {

    /** Event id, unique across the log. */
    String id();

    /** Request id, or {@code null} for events that belong to no request. */
    String reqId();

    /** When it happened: microseconds since the epoch, UTC, from the writer's injected clock. */
    long tsUs();

    /** The proxy instance (or the tool, for example {@code cli-import}) that wrote the event. */
    String instance();

    /**
     * A request arrived. {@code model} and {@code stream} are null when the body did not say.
     * {@code mode} is how the client reached the proxy: {@code base_url} ({@code ANTHROPIC_BASE_URL})
     * or {@code https_proxy} (decrypted from a CONNECT tunnel); null in logs written before it was
     * recorded, which were all base-URL mode (see {@link #servedMode()}).
     * {@code project} is the client's {@code x-ccp-project} header (null without one).
     */
    record RequestReceived(String id, String reqId, long tsUs, String instance,
                           String method, String path, String query,
                           String model, Boolean stream, long bodyBytes,
                           String clientAuth, String userAgent, String sessionId, String mode,
                           String project) implements Event {
        public static final String MODE_BASE_URL = "base_url";
        public static final String MODE_HTTPS_PROXY = "https_proxy";

        /** Without a mode or a project, as events were before they were recorded. */
        public RequestReceived(String id, String reqId, long tsUs, String instance, String method, String path,
                               String query, String model, Boolean stream, long bodyBytes, String clientAuth,
                               String userAgent, String sessionId) {
            this(id, reqId, tsUs, instance, method, path, query, model, stream, bodyBytes, clientAuth, userAgent,
                    sessionId, null, null);
        }

        /** The mode, with the default of logs that did not record it. */
        public String servedMode() {
            return mode == null ? MODE_BASE_URL : mode;
        }
    }

    /**
     * Where the request goes and why. {@code decision} is one of {@link Decisions}; {@code lane} is the
     * provider that serves it ({@code null} when rejected); {@code upstreamModel} differs from
     * {@code model} only when a route rewrites the model name.
     */
    record RouteDecided(String id, String reqId, long tsUs, String instance,
                        String decision, String lane, String provider,
                        String model, String upstreamModel, String headerMode,
                        String reason) implements Event {
    }

    /**
     * One try against one provider. {@code status} is 0 when no response head arrived;
     * {@code outcome} is {@code response}, {@code connect_error}, {@code timeout}, {@code retried}
     * or {@code rerouted}. {@code rateLimit} is what the answer's rate-limit headers said (null when it
     * carried none) and {@code credential} the non-secret fingerprint of the credential they belong to.
     */
    record UpstreamAttempt(String id, String reqId, long tsUs, String instance,
                           int attempt, String provider, String url, String http,
                           int status, long durationUs, String outcome, String errorType,
                           String credential, RateLimits rateLimit) implements Event {
        /** An attempt whose answer carried no rate-limit headers. */
        public UpstreamAttempt(String id, String reqId, long tsUs, String instance,
                               int attempt, String provider, String url, String http,
                               int status, long durationUs, String outcome, String errorType) {
            this(id, reqId, tsUs, instance, attempt, provider, url, http, status, durationUs, outcome, errorType, null, null);
        }
    }

    /**
     * The request finished, whatever the way. {@code op} is {@code stream} or {@code nonstream};
     * {@code outcome} is one of {@link Outcomes}; token counts are 0 when the provider did not say.
     * {@code ttfbUs} is -1 when no byte reached the client.
     * {@code cacheCreation1hInputTokens} is the part of {@code cacheCreationInputTokens} written to the
     * 1-hour cache (Anthropic's {@code usage.cache_creation.ephemeral_1h_input_tokens}); null when there
     * was none or the provider did not split its writes, which reads as every write a 5-minute one (logs
     * written before the split was recorded read the same way).
     */
    record ResponseCompleted(String id, String reqId, long tsUs, String instance,
                             int status, String op, long latencyUs, long ttfbUs,
                             long inputTokens, long outputTokens,
                             long cacheCreationInputTokens, long cacheReadInputTokens,
                             String stopReason, String http, String outcome,
                             long bytesRelayed, String errorType,
                             @JsonProperty("cache_creation_1h_input_tokens") Long cacheCreation1hInputTokens) implements Event {
        /** Without a 1-hour cache write, as events were before the split was recorded. */
        public ResponseCompleted(String id, String reqId, long tsUs, String instance,
                                 int status, String op, long latencyUs, long ttfbUs,
                                 long inputTokens, long outputTokens,
                                 long cacheCreationInputTokens, long cacheReadInputTokens,
                                 String stopReason, String http, String outcome,
                                 long bytesRelayed, String errorType) {
            this(id, reqId, tsUs, instance, status, op, latencyUs, ttfbUs, inputTokens, outputTokens,
                    cacheCreationInputTokens, cacheReadInputTokens, stopReason, http, outcome, bytesRelayed, errorType, null);
        }

        /** The 1-hour cache writes, 0 when the event does not say. */
        public long cacheWrite1hTokens() {
            return cacheCreation1hInputTokens == null ? 0 : cacheCreation1hInputTokens;
        }
    }

    /** What had been relayed when a stream ended abruptly, capped; {@code truncated} if the cap cut it. */
    record StreamPartial(String id, String reqId, long tsUs, String instance,
                         long bytesRelayed, boolean truncated, String data) implements Event {
    }

    /**
     * A capped sample of a request or response body (body sampling, {@code make tee-on}), with
     * credentials removed. {@code direction} is {@code request} or {@code response}.
     */
    record BodySampled(String id, String reqId, long tsUs, String instance,
                       String direction, String contentType, long bytes,
                       boolean truncated, String data) implements Event {
    }

    /**
     * A configuration was loaded, reloaded, refused or flipped. {@code kind} names what
     * ({@code providers}, {@code quotas}, {@code paused}, {@code model_override}, {@code license},
     * {@code tee}); {@code detail} is a secret-free JSON text of the new state; {@code error} says why
     * a refused change was refused.
     */
    record ConfigChanged(String id, String reqId, long tsUs, String instance,
                         String kind, String source, boolean accepted,
                         String detail, String error) implements Event {
    }

    /**
     * A proxy instance came up. Requests still open of an earlier instance of the same member are now
     * lost. {@code member} ({@code CCP_MEMBER}, default {@code user@host}) names whose machine it runs
     * on; every request of this instance belongs to it. Null in logs written before members existed.
     */
    record ProxyStarted(String id, String reqId, long tsUs, String instance,
                        String version, String host, int port, long pid,
                        List<String> warnings, String member) implements Event {

        /** Without a member: as written before members existed. */
        public ProxyStarted(String id, String reqId, long tsUs, String instance,
                            String version, String host, int port, long pid, List<String> warnings) {
            this(id, reqId, tsUs, instance, version, host, port, pid, warnings, null);
        }
    }

    /** A proxy instance stopped cleanly. */
    record ProxyStopped(String id, String reqId, long tsUs, String instance,
                        String reason) implements Event {
    }

    /**
     * One finished request carried over from a usage.jsonl of an earlier version of this tool
     * ({@code cc db import}). It stands for a whole request: projections treat it as one sample.
     */
    record ImportedSample(String id, String reqId, long tsUs, String instance,
                          String source, long line,
                          String model, String lane, String provider, String decision,
                          String op, int status, String headerMode, String http,
                          double latencyMs, double ttfbMs,
                          long inputTokens, long outputTokens,
                          long cacheCreationInputTokens, long cacheReadInputTokens,
                          String stopReason, String outcome, int attempts) implements Event {
    }
}
