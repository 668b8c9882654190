package dev.ccp.policy.price;

import dev.ccp.policy.yaml.YamlList;
import dev.ccp.policy.yaml.YamlMap;
import dev.ccp.policy.yaml.YamlNull;
import dev.ccp.policy.yaml.YamlReader;
import dev.ccp.policy.yaml.YamlScalar;
import dev.ccp.policy.yaml.YamlSyntaxException;
import dev.ccp.policy.yaml.YamlValue;

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

    /** The document's root, or null for an empty document. */
    static PriceYaml parse(String yaml, String source) {
        YamlValue root;
        try {
            root = YamlReader.read(yaml, source);
        } catch (YamlSyntaxException e) {
            throw new PriceException(e.getMessage());
        }
        return root instanceof YamlNull ? null : of(root);
    }

    private static PriceYaml of(YamlValue v) {
        return switch (v) {
            case YamlMap m -> {
                Map<String, PriceYaml> map = new LinkedHashMap<>();
                m.entries().forEach((k, e) -> map.put(k, of(e)));
                yield new PriceYaml(Collections.unmodifiableMap(map), m.line());
            }
            case YamlList l -> new PriceYaml(l.items().stream().map(PriceYaml::of).toList(), l.line());
            case YamlScalar sc -> new PriceYaml(sc.text(), sc.line());
            case YamlNull n -> new PriceYaml(null, n.line());
        };
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
}
