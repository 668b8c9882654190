package dev.ccp.cli.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Event;
import dev.ccp.events.Ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One line of a usage.jsonl written by the earlier Go shim or the mitmproxy addon, read leniently
 * into an {@link Event.ImportedSample}. Field names of both versions are accepted (see docs/CLI.md);
 * only the listed fields are carried over, so any credential-bearing field of an old line is dropped,
 * and a carried string that looks like a key is dropped too.
 */
final class LegacyUsageLine {
    static final String INSTANCE = "cli-import";
    /** {@code sk-…} keys (Anthropic's {@code sk-ant-…} among them), Bearer values, JWT-like tokens. */
    private static final Pattern KEY_SHAPED = Pattern.compile(
            "(?i)\\b(sk-[a-z0-9_-]{8,}|bearer\\s+\\S+|ey[a-z0-9_-]{10,}\\.[a-z0-9_-]{10,}|[a-f0-9]{32}\\.[a-z0-9]{8,})");

    /** Why a line cannot be imported. */
    static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** An imported sample and how many key-shaped values were left out of it. */
    record Result(Event.ImportedSample sample, int redacted) {
    }

    private final ObjectMapper json;
    private final String source;
    private int redacted;

    LegacyUsageLine(ObjectMapper json, String source) {
        this.json = json;
        this.source = source;
    }

    Result read(String text, long lineNumber) throws Unreadable {
        JsonNode n;
        try {
            n = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Unreadable("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) {
            throw new Unreadable("not a JSON object");
        }
        redacted = 0;
        JsonNode usage = n.path("usage");
        long tsUs = timestamp(n);
        String reqId = string(n, "req_id", "request_id");
        if (reqId == null) {
            reqId = "imp_" + digest(source + ":" + lineNumber);
        }
        int status = (int) number(n, 0, "status", "status_code", "http_status");
        String outcome = lower(string(n, "outcome"));
        if (outcome == null && status > 0) {
            outcome = status < 400 ? "ok" : "upstream_error";
        }
        Event.ImportedSample sample = new Event.ImportedSample(
                Ids.eventId(tsUs), reqId, tsUs, INSTANCE, source, lineNumber,
                string(n, "model", "request_model", "model_name"),
                lane(string(n, "lane", "route")),
                lower(string(n, "provider", "upstream")),
                lower(string(n, "decision", "route_decision")),
                op(n),
                status,
                headerMode(string(n, "header_mode", "auth_mode", "zai_header_mode")),
                http(string(n, "http", "http_version", "proto", "protocol")),
                decimal(n, 0, "latency_ms", "duration_ms", "elapsed_ms"),
                // -1 = not known, as ResponseCompleted's ttfb_us: a 0 would read as an instant first byte.
                decimal(n, -1, "ttfb_ms", "first_byte_ms", "time_to_first_byte_ms"),
                tokens(n, usage, "input_tokens", "tokens_in", "prompt_tokens"),
                tokens(n, usage, "output_tokens", "tokens_out", "completion_tokens"),
                tokens(n, usage, "cache_creation_input_tokens"),
                tokens(n, usage, "cache_read_input_tokens"),
                string(n, "stop_reason"),
                outcome,
                (int) number(n, 1, "attempts"));
        return new Result(sample, redacted);
    }

    private long timestamp(JsonNode n) throws Unreadable {
        for (String field : new String[]{"ts", "timestamp", "time", "ts_ms", "ts_us", "created_at"}) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isNumber()) {
                return epochToMicros(v.asDouble(), field);
            }
            String text = v.asText().strip();
            if (text.matches("\\d+(\\.\\d+)?")) {
                return epochToMicros(Double.parseDouble(text), field);
            }
            Instant at = parseTime(text);
            if (at == null) {
                throw new Unreadable(field + " '" + text + "' is not a time (ISO-8601 or epoch seconds/millis)");
            }
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        }
        throw new Unreadable("no timestamp (ts)");
    }

    /** Epoch seconds, millis, micros or nanos, told apart by magnitude (years 1973–5138 in seconds). */
    private static long epochToMicros(double v, String field) throws Unreadable {
        if (v <= 0 || Double.isNaN(v)) {
            throw new Unreadable(field + " " + v + " is not a time");
        }
        if (v < 1e11) {
            return Math.round(v * 1_000_000d);
        }
        if (v < 1e14) {
            return Math.round(v * 1_000d);
        }
        if (v < 1e17) {
            return Math.round(v);
        }
        return Math.round(v / 1_000d);
    }

    private static Instant parseTime(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException ignored) {
            // next form
        }
        String t = text.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC); // the old tools wrote UTC without a zone
        } catch (DateTimeParseException ignored) {
            return null;
        }
    }

    private String string(JsonNode n, String... fields) {
        for (String f : fields) {
            JsonNode v = n.get(f);
            if (v != null && !v.isNull() && v.isValueNode()) {
                String s = v.asText().strip();
                if (s.isEmpty()) {
                    continue;
                }
                if (KEY_SHAPED.matcher(s).find()) {
                    redacted++;
                    return null;
                }
                return s;
            }
        }
        return null;
    }

    private static long number(JsonNode n, long fallback, String... fields) throws Unreadable {
        for (String f : fields) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isNumber()) {
                return v.asLong();
            }
            String s = v.asText().strip();
            if (s.isEmpty()) {
                continue;
            }
            try {
                return Math.round(Double.parseDouble(s));
            } catch (NumberFormatException e) {
                throw new Unreadable(f + " '" + s + "' is not a number");
            }
        }
        return fallback;
    }

    private static double decimal(JsonNode n, double fallback, String... fields) throws Unreadable {
        for (String f : fields) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isNumber()) {
                return v.asDouble();
            }
            String s = v.asText().strip().replaceAll("ms$", "");
            if (s.isEmpty()) {
                continue;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new Unreadable(f + " '" + v.asText() + "' is not a number");
            }
        }
        return fallback;
    }

    /** Top-level field first, then the same names inside an Anthropic-style {@code usage} object. */
    private static long tokens(JsonNode n, JsonNode usage, String... fields) throws Unreadable {
        long top = number(n, -1, fields);
        if (top >= 0) {
            return top;
        }
        return usage.isObject() ? Math.max(0, number(usage, 0, fields)) : 0;
    }

    private String op(JsonNode n) {
        String op = lower(string(n, "op", "mode"));
        if (op == null) {
            JsonNode stream = n.get("stream");
            if (stream != null && stream.isBoolean()) {
                return stream.asBoolean() ? "stream" : "nonstream";
            }
            return null;
        }
        return switch (op) {
            case "stream", "sse", "streaming" -> "stream";
            case "nonstream", "non-stream", "non_stream", "json", "sync" -> "nonstream";
            default -> op;
        };
    }

    private static String lane(String lane) {
        String l = lower(lane);
        return l == null ? null : switch (l) {
            case "z.ai", "z_ai", "glm" -> "zai";
            default -> l;
        };
    }

    private static String headerMode(String mode) {
        String m = lower(mode);
        return m == null ? null : switch (m) {
            case "bearer", "authorization_bearer", "auth" -> "authorization";
            case "x_api_key", "xapikey", "api-key" -> "x-api-key";
            default -> m;
        };
    }

    private static String http(String http) {
        String h = lower(http);
        if (h == null) {
            return null;
        }
        if (h.contains("2")) {
            return "h2";
        }
        if (h.contains("1")) {
            return "h1";
        }
        return h;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
