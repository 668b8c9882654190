package dev.ccp.policy.yaml;

/**
 * A value of a configuration file with the file and line it was written on, so that a refusal found
 * after parsing (a route to an unknown provider, a quota without a cap) still points at its line.
 */
public sealed interface YamlValue permits YamlMap, YamlList, YamlScalar, YamlNull {
    /** The file (or other source name) the value was read from. */
    String source();

    /** One-based; 0 when unknown. */
    int line();

    /** {@code FILE:LINE: why}, the one shape every configuration refusal takes. */
    default String refusal(String why) {
        return (line() > 0 ? source() + ":" + line() : source()) + ": " + why;
    }

    /** The scalar's text as written; null for null, a mapping or a list. */
    default String text() {
        return this instanceof YamlScalar s ? s.text() : null;
    }
}
