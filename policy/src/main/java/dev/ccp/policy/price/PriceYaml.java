package dev.ccp.policy.price;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line it starts on, so a price mistake found after parsing is still reported as
 * {@code FILE:LINE}. The only class of the price table that touches a YAML parser: swapping the parser
 * changes this file alone. Scalars stay text as written, so a price is read as an exact decimal and
 * never passes through a {@code double}.
 *
 * @param value a {@code Map<String, PriceYaml>} (entries carry their key's line), a {@code List<PriceYaml>},
 *              a String, or null
 */
record PriceYaml(Object value, int line) {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** The document's root, or null for an empty document. */
    static PriceYaml parse(String yaml, String source) {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            if (p.nextToken() == null) {
                return null;
            }
            return read(p, source);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new PriceException(source + where + ": not valid YAML (" + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new PriceException(source + ": cannot read the price table (" + e.getMessage() + ")");
        }
    }

    private static PriceYaml read(JsonParser p, String source) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, PriceYaml> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (map.containsKey(key)) {
                        throw new PriceException(source + ":" + keyLine + ": duplicate key " + key);
                    }
                    p.nextToken();
                    PriceYaml v = read(p, source);
                    map.put(key, new PriceYaml(v.value, keyLine));
                }
                return new PriceYaml(Collections.unmodifiableMap(map), line);
            }
            case START_ARRAY -> {
                List<PriceYaml> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, source));
                }
                return new PriceYaml(Collections.unmodifiableList(list), line);
            }
            case VALUE_NULL -> {
                return new PriceYaml(null, line);
            }
            default -> {
                return new PriceYaml(p.getText(), line);
            }
        }
    }

    boolean isMap() {
        return value instanceof Map;
    }

    boolean isList() {
        return value instanceof List;
    }

    @SuppressWarnings("unchecked")
    Map<String, PriceYaml> map() {
        return (Map<String, PriceYaml>) value;
    }

    @SuppressWarnings("unchecked")
    List<PriceYaml> list() {
        return (List<PriceYaml>) value;
    }

    /** The scalar's text; null for null, a map or a list. */
    String text() {
        return value instanceof String s ? s : null;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return String.join("; ", message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("^"))
                .toList());
    }
}
