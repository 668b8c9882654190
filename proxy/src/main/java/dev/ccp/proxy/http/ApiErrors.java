package dev.ccp.proxy.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/** Errors the proxy makes itself, shaped as Anthropic's: {@code {"type":"error","error":{"type":…,"message":…}}}. */
public final class ApiErrors {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String API_ERROR = "api_error";
    public static final String TIMEOUT = "timeout_error";
    private static final ObjectMapper JSON = dev.ccp.events.Json.MAPPER;

    private ApiErrors() {
    }

    public static byte[] body(String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", type);
        error.put("message", message);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same error as an SSE {@code error} event, for failures after the stream started. */
    public static byte[] sseEvent(String type, String message) {
        return ("event: error\ndata: " + new String(body(type, message), StandardCharsets.UTF_8) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static void send(ServerResponse res, int status, String type, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(type, message));
    }
}
