package dev.ccp.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Events as JSON: {@code {"type":"RouteDecided","v":1,"id":…,"req_id":…,"ts_us":…,"instance":…,…}}.
 *
 * <p>{@code type} and {@code v} always come first, so a reader learns the schema version from the
 * first two tokens and binds current-version events directly; older ones go through the
 * {@link Upcasters} as a tree first. Unknown fields are ignored, so adding an optional field does
 * not need a new version (see docs/EVENTS.md).
 */
public final class EventCodec {
    /** The schema version this build writes. */
    public static final int CURRENT_VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private static final ObjectWriter WRITER = MAPPER.writerFor(Event.class);
    private static final ObjectReader READER = MAPPER.readerFor(Event.class);
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final byte[] VERSION_FIELD = (",\"v\":" + CURRENT_VERSION).getBytes(StandardCharsets.US_ASCII);
    private static final EventBinder BINDER = new EventBinder(FACTORY, MAPPER.readerFor(RateLimits.class));

    private EventCodec() {
    }

    /** The mapper events are written with (snake_case, nulls left out). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Event event) {
        // The four events of every request, without databind (the same bytes; see RequestEventEncoder).
        byte[] fast = RequestEventEncoder.encode(event);
        if (fast != null) {
            return fast;
        }
        try {
            byte[] body = WRITER.writeValueAsBytes(event);
            // Jackson writes the type id first: {"type":"X",... — splice the version in right after it.
            int comma = indexOf(body, (byte) ',');
            int end = comma < 0 ? body.length - 1 : comma;
            byte[] out = new byte[body.length + VERSION_FIELD.length];
            System.arraycopy(body, 0, out, 0, end);
            System.arraycopy(VERSION_FIELD, 0, out, end, VERSION_FIELD.length);
            System.arraycopy(body, end, out, end + VERSION_FIELD.length, body.length - end);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public static String encodeToString(Event event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }

    /**
     * Decodes one document.
     *
     * @throws UnreadableEventException with a short reason when it is not a readable event
     */
    public static Event decode(byte[] json, int offset, int length) throws UnreadableEventException {
        if (writtenByThisVersion(json, offset, length)) {
            // What this build writes: bind it in one pass instead of peeking at it with a parser first,
            // a request's events straight from the bytes, else from the parser's tokens.
            Event bound = EventByteBinder.bind(json, offset, length);
            if (bound == null) {
                bound = BINDER.bind(json, offset, length);
            }
            if (bound != null) {
                return bound;
            }
            try {
                return READER.readValue(json, offset, length);
            } catch (com.fasterxml.jackson.databind.exc.InvalidTypeIdException e) {
                throw new UnreadableEventException("unknown event type " + e.getTypeId());
            } catch (IOException | RuntimeException e) {
                // Not what it looked like: the careful path below says why.
            }
        }
        String type = null;
        int version = -1;
        try (JsonParser p = FACTORY.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new UnreadableEventException("not a JSON object");
            }
            for (int i = 0; i < 2 && p.nextToken() == JsonToken.FIELD_NAME; i++) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("type".equals(name) && value == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if ("v".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    version = p.getIntValue();
                } else {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UnreadableEventException("broken JSON: " + firstLine(e.getMessage()));
        }
        try {
            if (type != null && version == CURRENT_VERSION) {
                return READER.readValue(json, offset, length);
            }
            ObjectNode tree = (ObjectNode) MAPPER.readTree(json, offset, length);
            return fromTree(tree);
        } catch (UnreadableEventException e) {
            throw e;
        } catch (com.fasterxml.jackson.databind.exc.InvalidTypeIdException e) {
            throw new UnreadableEventException("unknown event type " + e.getTypeId());
        } catch (IOException | RuntimeException e) {
            throw new UnreadableEventException("cannot read event: " + firstLine(e.getMessage()));
        }
    }

    private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION_AFTER_TYPE = ("\"" + new String(VERSION_FIELD, StandardCharsets.US_ASCII))
            .getBytes(StandardCharsets.US_ASCII);

    /**
     * True when the document starts exactly as {@link #encode} writes the current version:
     * {@code {"type":"Name","v":1} followed by {@code ,} or {@code }}. A type name holds no quote or
     * backslash, so the first quote after the prefix ends it.
     */
    static boolean writtenByThisVersion(byte[] json, int offset, int length) {
        int end = offset + length;
        int p = offset + TYPE_PREFIX.length;
        if (p >= end || !startsWith(json, offset, end, TYPE_PREFIX)) {
            return false;
        }
        while (p < end && json[p] != '"') {
            if (json[p] == '\\') {
                return false;
            }
            p++;
        }
        if (!startsWith(json, p, end, VERSION_AFTER_TYPE)) {
            return false;
        }
        int after = p + VERSION_AFTER_TYPE.length;
        return after < end && (json[after] == ',' || json[after] == '}');
    }

    private static boolean startsWith(byte[] bytes, int at, int end, byte[] prefix) {
        if (end - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    public static Event decode(byte[] json) throws UnreadableEventException {
        return decode(json, 0, json.length);
    }

    public static Event decode(String json) throws UnreadableEventException {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Event fromTree(ObjectNode tree) throws UnreadableEventException, IOException {
        if (!tree.path("type").isTextual()) {
            throw new UnreadableEventException("no event type");
        }
        int version = tree.path("v").asInt(-1);
        if (version < 1) {
            throw new UnreadableEventException("no schema version");
        }
        if (version > CURRENT_VERSION) {
            throw new UnreadableEventException("schema version " + version + " is newer than this build reads ("
                    + CURRENT_VERSION + ")");
        }
        ObjectNode upcast = Upcasters.upcast(tree, version);
        return MAPPER.treeToValue(upcast, Event.class);
    }

    private static int indexOf(byte[] bytes, byte b) {
        boolean inString = false;
        for (int i = 0; i < bytes.length; i++) {
            byte c = bytes[i];
            if (c == '"' && (i == 0 || bytes[i - 1] != '\\')) {
                inString = !inString;
            } else if (c == b && !inString) {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
