package dev.ccp.policy.yaml;

import java.util.Map;
import java.util.Set;

/** A mapping in written order; an entry's value carries the line of its key. */
public record YamlMap(Map<String, YamlValue> entries, String source, int line) implements YamlValue {
    public YamlMap {
        entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
    }

    /** The value under {@code key}, or null when the key is absent. */
    public YamlValue get(String key) {
        return entries.get(key);
    }

    /** The value under {@code key}; absent and written-as-null both give null. */
    public YamlValue present(String key) {
        YamlValue v = entries.get(key);
        return v instanceof YamlNull ? null : v;
    }

    public Set<String> keys() {
        return entries.keySet();
    }
}
