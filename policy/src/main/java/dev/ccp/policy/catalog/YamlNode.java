package dev.ccp.policy.catalog;

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
 * A YAML value with the line it starts on, so that a catalog mistake found after parsing (a route to
 * an unknown provider, a provider without base_url) can still be reported as {@code file:line}.
 * Jackson's tree model drops locations; this reads the token stream instead.
 *
 * @param value a {@code Map<String, YamlNode>} (entries carry their key's line), a {@code List<YamlNode>},
 *              a String (numbers and booleans as written), or null
 */
record YamlNode(Object value, int line) {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** The document's root, or null for an empty document. */
    static YamlNode parse(String yaml, String source) {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            if (p.nextToken() == null) {
                return null;
            }
            return read(p, source);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new CatalogException(source + where + ": not valid YAML (" + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new CatalogException(source + ": cannot read the catalog (" + e.getMessage() + ")");
        }
    }

    private static YamlNode read(JsonParser p, String source) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (map.containsKey(key)) {
                        throw new CatalogException(source + ":" + keyLine + ": duplicate key " + key);
                    }
                    p.nextToken();
                    YamlNode v = read(p, source);
                    map.put(key, new YamlNode(v.value, keyLine));
                }
                return new YamlNode(Collections.unmodifiableMap(map), line);
            }
            case START_ARRAY -> {
                List<YamlNode> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, source));
                }
                return new YamlNode(Collections.unmodifiableList(list), line);
            }
            case VALUE_NULL -> {
                return new YamlNode(null, line);
            }
            default -> {
                return new YamlNode(p.getText(), line);
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
    Map<String, YamlNode> map() {
        return (Map<String, YamlNode>) value;
    }

    @SuppressWarnings("unchecked")
    List<YamlNode> list() {
        return (List<YamlNode>) value;
    }

    /** The scalar's text; null for null, a map or a list. */
    String text() {
        return value instanceof String s ? s : null;
    }

    /** SnakeYAML's messages span lines with a code excerpt; keep the sentences. */
    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return String.join("; ", message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("^"))
                .toList());
    }
}
