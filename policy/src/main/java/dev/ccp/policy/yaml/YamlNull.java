package dev.ccp.policy.yaml;

/** An explicit null ({@code key:}, {@code ~}, {@code null}) or an empty document. */
public record YamlNull(String source, int line) implements YamlValue {
}
