package dev.ccp.proxy.readside;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ccp.events.Json;
import dev.ccp.proxy.http.ApiErrors;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.common.uri.UriQuery;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * The query parameters of the read endpoints ({@code /v1/usage/*}, {@code /v1/usage/cost}, the
 * dashboard's JSON) and their answers: each parameter given at most once, a blank one taken as absent,
 * a bad one answered 400 in Anthropic's error shape with what was wrong.
 */
public final class ReadQuery {
    private ReadQuery() {
    }

    /** A parameter the caller got wrong; its message is the answer. */
    public static final class BadParameter extends Exception {
        public BadParameter(String message) {
            super(message, null, false, false);
        }
    }

    /** The parameter's value, trimmed; null when absent or blank. */
    public static String optional(UriQuery q, String name) throws BadParameter {
        if (!q.contains(name)) {
            return null;
        }
        List<String> all = q.all(name);
        if (all.size() > 1) {
            throw new BadParameter(name + " is given " + all.size() + " times; give it once");
        }
        String v = all.getFirst().trim();
        return v.isEmpty() ? null : v;
    }

    /** {@code limit}: a whole number from 1 to {@code max}; {@code fallback} when absent. */
    public static int limit(UriQuery q, int fallback, int max) throws BadParameter {
        String v = optional(q, "limit");
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Answered below.
        }
        throw new BadParameter("limit must be a whole number from 1 to " + max + ", not '" + v + "'");
    }

    /** Answers 400 with the parameter's problem. */
    public static void badRequest(ServerResponse res, BadParameter e) {
        ApiErrors.send(res, 400, ApiErrors.INVALID_REQUEST, e.getMessage());
    }

    /** Answers a JSON document through the shared configuration. */
    public static void sendJson(ServerResponse res, Status status, Object body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
