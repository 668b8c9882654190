package dev.ccp.cli.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small JSON documents (the proxy's loopback answers) as plain Java values, read and written with
 * jackson-core's streaming parser and generator. Jackson's {@code ObjectMapper} is what the commands
 * print with; building it (its date formats load the JDK's locale data) costs a command that only
 * reads two fields of an answer a tenth of a second or more.
 */
public final class JsonValues {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonValues() {
    }

    /**
     * The document in {@code text}: a {@code Map} (keys in document order), {@code List}, {@code String},
     * {@code Number}, {@code Boolean} or null (for {@code null} and for a blank text).
     *
     * @throws IOException when {@code text} is not JSON
     */
    public static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            return t == null ? null : value(p, t);
        }
    }

    /** {@code parse} when the document is an object, else null (not JSON, or another kind of value). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        try {
            return parse(text) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The value at a path of object keys, or null when one of them is absent or not an object. */
    public static Object at(Map<String, Object> doc, String... keys) {
        Object v = doc;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(k);
        }
        return v;
    }

    /** {@code {"name":"value"}}, escaped as JSON requires. */
    public static String stringField(String name, String value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField(name, value);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e); // A StringWriter does not fail.
        }
        return w.toString();
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(value(p, e));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }
}
