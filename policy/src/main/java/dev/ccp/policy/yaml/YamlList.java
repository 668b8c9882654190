package dev.ccp.policy.yaml;

import java.util.List;

/** A sequence; each item carries its own line. */
public record YamlList(List<YamlValue> items, String source, int line) implements YamlValue {
    public YamlList {
        items = List.copyOf(items);
    }
}
