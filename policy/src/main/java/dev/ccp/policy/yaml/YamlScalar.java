package dev.ccp.policy.yaml;

import java.math.BigDecimal;
import java.util.OptionalLong;

/**
 * A scalar with its text as written and what YAML 1.2's core schema resolves it to, so a quoted
 * {@code "80"} stays a string while {@code 80} is a number.
 */
public record YamlScalar(String text, Kind kind, String source, int line) implements YamlValue {
    public enum Kind { STRING, INTEGER, FLOAT, BOOLEAN }

    public boolean isNumber() {
        return kind == Kind.INTEGER || kind == Kind.FLOAT;
    }

    /** The value as a whole number when it is one (an integer, or a float without a fraction). */
    public OptionalLong wholeNumber() {
        if (!isNumber()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(new BigDecimal(text.replace("_", "").replace("+", "")).longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The value as a number; only meaningful when {@link #isNumber()}. */
    public double number() {
        try {
            return Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
