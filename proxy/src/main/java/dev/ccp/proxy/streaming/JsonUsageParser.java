package dev.ccp.proxy.streaming;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Usage, stop reason and error type of a non-streaming Messages answer (or an error body).
 *
 * <p>Read with Jackson's streaming parser, not a tree: only the top-level {@code usage},
 * {@code stop_reason}, {@code type} and {@code error.type} are looked at, and the content (most of
 * the bytes) is skipped without being decoded. Nothing is reported unless the whole body parses.
 */
public final class JsonUsageParser {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonUsageParser() {
    }

    public static Usage parse(byte[] body, int length) {
        Usage usage = new Usage();
        if (length <= 0) {
            return usage;
        }
        Usage seen = new Usage();
        String type = null;
        String errorType = null;
        boolean errorSeen = false;
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return usage;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "usage" -> {
                        if (v == JsonToken.START_OBJECT) {
                            readUsage(p, seen);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "stop_reason" -> seen.stopReason = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "type" -> type = v.isScalarValue() && v != JsonToken.VALUE_NULL ? p.getText() : null;
                    case "error" -> {
                        errorSeen = true;
                        errorType = v == JsonToken.START_OBJECT ? errorType(p) : null;
                        if (v != JsonToken.START_OBJECT) {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return usage;
            }
        } catch (IOException | RuntimeException ignored) {
            // Not JSON (or cut at the capture cap): no usage to report.
            return usage;
        }
        if ("error".equals(type)) {
            seen.errorType = errorSeen && errorType != null ? errorType : "error";
        }
        return seen;
    }

    /** Reads the numeric counters of a {@code usage} object (the parser is on its START_OBJECT). */
    static void readUsage(JsonParser p, Usage usage) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("cache_creation".equals(name) && v == JsonToken.START_OBJECT) {
                readCacheCreation(p, usage);
                continue;
            }
            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                p.skipChildren();
                continue;
            }
            // Cumulative counts: the last value seen is the total, never a sum.
            switch (name) {
                case "input_tokens" -> usage.inputTokens = p.getValueAsLong();
                case "output_tokens" -> usage.outputTokens = p.getValueAsLong();
                case "cache_creation_input_tokens" -> usage.cacheCreationInputTokens = p.getValueAsLong();
                case "cache_read_input_tokens" -> usage.cacheReadInputTokens = p.getValueAsLong();
                default -> {
                    // Other counters (server_tool_use, ...) are not recorded.
                }
            }
        }
    }

    /** The 1-hour part of the cache writes, from {@code usage.cache_creation} (the parser is on its START_OBJECT). */
    private static void readCacheCreation(JsonParser p, Usage usage) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("ephemeral_1h_input_tokens".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                usage.cacheCreation1hInputTokens = p.getValueAsLong();
            } else {
                p.skipChildren();
            }
        }
    }

    /** The {@code type} of an {@code error} object (the parser is on its START_OBJECT), or null. */
    private static String errorType(JsonParser p) throws IOException {
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("type".equals(name) && v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                type = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return type;
    }
}
