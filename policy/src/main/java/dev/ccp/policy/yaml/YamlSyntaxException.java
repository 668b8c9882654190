package dev.ccp.policy.yaml;

/** A file that is not YAML at all, its message {@code FILE:LINE: not valid YAML (problem)} on one line. */
public final class YamlSyntaxException extends RuntimeException {
    public YamlSyntaxException(String message) {
        super(message);
    }
}
