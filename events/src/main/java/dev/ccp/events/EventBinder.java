package dev.ccp.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;

/**
 * Binds the events of every request (RequestReceived, RouteDecided, UpstreamAttempt, ResponseCompleted,
 * StreamPartial, ImportedSample) straight from the parser's tokens into their records, for documents
 * that start as this build writes them. Databind's reflective creator calls cost about as much as the
 * parsing itself, and a replay decodes millions of these.
 *
 * <p>It only takes the shapes this build writes: a string or null for a text field, an integer for a
 * whole number, {@code true}/{@code false} for a flag. Anything else (another event type, a number where
 * text was expected, a null for a number, broken JSON) returns {@code null}, and the caller binds the
 * document with databind as before, so every such document reads (or fails) exactly as it did.
 */
final class EventBinder {
    private final JsonFactory factory;
    private final ObjectReader rateLimits;

    EventBinder(JsonFactory factory, ObjectReader rateLimits) {
        this.factory = factory;
        this.rateLimits = rateLimits;
    }

    /** The event, or null when the document is not one of the shapes bound here. */
    Event bind(byte[] json, int offset, int length) {
        try (JsonParser p = factory.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !"type".equals(p.nextFieldName())
                    || p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            String type = p.getText();
            if (!"v".equals(p.nextFieldName()) || p.nextToken() != JsonToken.VALUE_NUMBER_INT
                    || p.getIntValue() != EventCodec.CURRENT_VERSION) {
                return null;
            }
            return switch (type) {
                case "RequestReceived" -> requestReceived(p);
                case "RouteDecided" -> routeDecided(p);
                case "UpstreamAttempt" -> upstreamAttempt(p);
                case "ResponseCompleted" -> responseCompleted(p);
                case "StreamPartial" -> streamPartial(p);
                case "ImportedSample" -> importedSample(p);
                default -> null;
            };
        } catch (IOException | NotBound | RuntimeException e) {
            return null;
        }
    }

    /** A token this binder does not take: the document goes to databind. */
    private static final class NotBound extends Exception {
        static final NotBound INSTANCE = new NotBound();

        private NotBound() {
            super(null, null, false, false);
        }
    }

    private static String text(JsonParser p) throws IOException, NotBound {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw NotBound.INSTANCE;
    }

    private static long whole(JsonParser p) throws IOException, NotBound {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw NotBound.INSTANCE;
        }
        return p.getLongValue();
    }

    private static int integer(JsonParser p) throws IOException, NotBound {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw NotBound.INSTANCE;
        }
        return p.getIntValue();
    }

    private static Long wholeOrNull(JsonParser p) throws IOException, NotBound {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw NotBound.INSTANCE;
        }
        return p.getLongValue();
    }

    private static boolean flag(JsonParser p) throws NotBound, IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw NotBound.INSTANCE;
    }

    private static Boolean flagOrNull(JsonParser p) throws NotBound, IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_TRUE) {
            return Boolean.TRUE;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return Boolean.FALSE;
        }
        throw NotBound.INSTANCE;
    }

    private static double decimal(JsonParser p) throws NotBound, IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw NotBound.INSTANCE;
        }
        return p.getDoubleValue();
    }

    /** An unknown field's value is passed over, as databind ignores unknown fields. */
    private static void skip(JsonParser p) throws IOException {
        p.nextToken();
        p.skipChildren();
    }

    /** The object ended; anything but a field name or the end is not what this build writes. */
    private static boolean ended(JsonParser p, String name) throws IOException, NotBound {
        if (name != null) {
            return false;
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw NotBound.INSTANCE;
        }
        return true;
    }

    private static Event requestReceived(JsonParser p) throws IOException, NotBound {
        String id = null, reqId = null, instance = null, method = null, path = null, query = null, model = null;
        String clientAuth = null, userAgent = null, sessionId = null, mode = null, project = null;
        long tsUs = 0, bodyBytes = 0;
        Boolean stream = null;
        for (String name = p.nextFieldName(); !ended(p, name); name = p.nextFieldName()) {
            switch (name) {
                case "id" -> id = text(p);
                case "req_id" -> reqId = text(p);
                case "ts_us" -> tsUs = whole(p);
                case "instance" -> instance = text(p);
                case "method" -> method = text(p);
                case "path" -> path = text(p);
                case "query" -> query = text(p);
                case "model" -> model = text(p);
                case "stream" -> stream = flagOrNull(p);
                case "body_bytes" -> bodyBytes = whole(p);
                case "client_auth" -> clientAuth = text(p);
                case "user_agent" -> userAgent = text(p);
                case "session_id" -> sessionId = text(p);
                case "mode" -> mode = text(p);
                case "project" -> project = text(p);
                default -> skip(p);
            }
        }
        return new Event.RequestReceived(id, reqId, tsUs, instance, method, path, query, model, stream, bodyBytes,
                clientAuth, userAgent, sessionId, mode, project);
    }

    private static Event routeDecided(JsonParser p) throws IOException, NotBound {
        String id = null, reqId = null, instance = null, decision = null, lane = null, provider = null, model = null;
        String upstreamModel = null, headerMode = null, reason = null;
        long tsUs = 0;
        for (String name = p.nextFieldName(); !ended(p, name); name = p.nextFieldName()) {
            switch (name) {
                case "id" -> id = text(p);
                case "req_id" -> reqId = text(p);
                case "ts_us" -> tsUs = whole(p);
                case "instance" -> instance = text(p);
                case "decision" -> decision = text(p);
                case "lane" -> lane = text(p);
                case "provider" -> provider = text(p);
                case "model" -> model = text(p);
                case "upstream_model" -> upstreamModel = text(p);
                case "header_mode" -> headerMode = text(p);
                case "reason" -> reason = text(p);
                default -> skip(p);
            }
        }
        return new Event.RouteDecided(id, reqId, tsUs, instance, decision, lane, provider, model, upstreamModel,
                headerMode, reason);
    }

    private Event upstreamAttempt(JsonParser p) throws IOException, NotBound {
        String id = null, reqId = null, instance = null, provider = null, url = null, http = null, outcome = null;
        String errorType = null, credential = null;
        long tsUs = 0, durationUs = 0;
        int attempt = 0, status = 0;
        RateLimits rateLimit = null;
        for (String name = p.nextFieldName(); !ended(p, name); name = p.nextFieldName()) {
            switch (name) {
                case "id" -> id = text(p);
                case "req_id" -> reqId = text(p);
                case "ts_us" -> tsUs = whole(p);
                case "instance" -> instance = text(p);
                case "attempt" -> attempt = integer(p);
                case "provider" -> provider = text(p);
                case "url" -> url = text(p);
                case "http" -> http = text(p);
                case "status" -> status = integer(p);
                case "duration_us" -> durationUs = whole(p);
                case "outcome" -> outcome = text(p);
                case "error_type" -> errorType = text(p);
                case "credential" -> credential = text(p);
                case "rate_limit" -> {
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.START_OBJECT) {
                        rateLimit = rateLimits.readValue(p);
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw NotBound.INSTANCE;
                    }
                }
                default -> skip(p);
            }
        }
        return new Event.UpstreamAttempt(id, reqId, tsUs, instance, attempt, provider, url, http, status, durationUs,
                outcome, errorType, credential, rateLimit);
    }

    private static Event responseCompleted(JsonParser p) throws IOException, NotBound {
        String id = null, reqId = null, instance = null, op = null, stopReason = null, http = null, outcome = null;
        String errorType = null;
        long tsUs = 0, latencyUs = 0, ttfbUs = 0, inputTokens = 0, outputTokens = 0, cacheCreation = 0, cacheRead = 0;
        long bytesRelayed = 0;
        int status = 0;
        Long cacheCreation1h = null;
        for (String name = p.nextFieldName(); !ended(p, name); name = p.nextFieldName()) {
            switch (name) {
                case "id" -> id = text(p);
                case "req_id" -> reqId = text(p);
                case "ts_us" -> tsUs = whole(p);
                case "instance" -> instance = text(p);
                case "status" -> status = integer(p);
                case "op" -> op = text(p);
                case "latency_us" -> latencyUs = whole(p);
                case "ttfb_us" -> ttfbUs = whole(p);
                case "input_tokens" -> inputTokens = whole(p);
                case "output_tokens" -> outputTokens = whole(p);
                case "cache_creation_input_tokens" -> cacheCreation = whole(p);
                case "cache_read_input_tokens" -> cacheRead = whole(p);
                case "stop_reason" -> stopReason = text(p);
                case "http" -> http = text(p);
                case "outcome" -> outcome = text(p);
                case "bytes_relayed" -> bytesRelayed = whole(p);
                case "error_type" -> errorType = text(p);
                case "cache_creation_1h_input_tokens" -> cacheCreation1h = wholeOrNull(p);
                default -> skip(p);
            }
        }
        return new Event.ResponseCompleted(id, reqId, tsUs, instance, status, op, latencyUs, ttfbUs, inputTokens,
                outputTokens, cacheCreation, cacheRead, stopReason, http, outcome, bytesRelayed, errorType, cacheCreation1h);
    }

    private static Event streamPartial(JsonParser p) throws IOException, NotBound {
        String id = null, reqId = null, instance = null, data = null;
        long tsUs = 0, bytesRelayed = 0;
        boolean truncated = false;
        for (String name = p.nextFieldName(); !ended(p, name); name = p.nextFieldName()) {
            switch (name) {
                case "id" -> id = text(p);
                case "req_id" -> reqId = text(p);
                case "ts_us" -> tsUs = whole(p);
                case "instance" -> instance = text(p);
                case "bytes_relayed" -> bytesRelayed = whole(p);
                case "truncated" -> truncated = flag(p);
                case "data" -> data = text(p);
                default -> skip(p);
            }
        }
        return new Event.StreamPartial(id, reqId, tsUs, instance, bytesRelayed, truncated, data);
    }

    private static Event importedSample(JsonParser p) throws IOException, NotBound {
        String id = null, reqId = null, instance = null, source = null, model = null, lane = null, provider = null;
        String decision = null, op = null, headerMode = null, http = null, stopReason = null, outcome = null;
        long tsUs = 0, line = 0, inputTokens = 0, outputTokens = 0, cacheCreation = 0, cacheRead = 0;
        int status = 0, attempts = 0;
        double latencyMs = 0, ttfbMs = 0;
        for (String name = p.nextFieldName(); !ended(p, name); name = p.nextFieldName()) {
            switch (name) {
                case "id" -> id = text(p);
                case "req_id" -> reqId = text(p);
                case "ts_us" -> tsUs = whole(p);
                case "instance" -> instance = text(p);
                case "source" -> source = text(p);
                case "line" -> line = whole(p);
                case "model" -> model = text(p);
                case "lane" -> lane = text(p);
                case "provider" -> provider = text(p);
                case "decision" -> decision = text(p);
                case "op" -> op = text(p);
                case "status" -> status = integer(p);
                case "header_mode" -> headerMode = text(p);
                case "http" -> http = text(p);
                case "latency_ms" -> latencyMs = decimal(p);
                case "ttfb_ms" -> ttfbMs = decimal(p);
                case "input_tokens" -> inputTokens = whole(p);
                case "output_tokens" -> outputTokens = whole(p);
                case "cache_creation_input_tokens" -> cacheCreation = whole(p);
                case "cache_read_input_tokens" -> cacheRead = whole(p);
                case "stop_reason" -> stopReason = text(p);
                case "outcome" -> outcome = text(p);
                case "attempts" -> attempts = integer(p);
                default -> skip(p);
            }
        }
        return new Event.ImportedSample(id, reqId, tsUs, instance, source, line, model, lane, provider, decision, op,
                status, headerMode, http, latencyMs, ttfbMs, inputTokens, outputTokens, cacheCreation, cacheRead,
                stopReason, outcome, attempts);
    }
}
