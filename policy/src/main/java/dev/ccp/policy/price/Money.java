package dev.ccp.policy.price;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as whole pico-dollars (10<sup>-12</sup> USD) in a {@code long}. A price per million tokens
 * written with at most six decimals is a whole number of micro-dollars per million tokens, which is
 * exactly a whole number of pico-dollars per token: every cost is then tokens × an integer, exact and
 * the same on every replay; no {@code double} ever touches an amount. A {@code long} holds up to about
 * 9.2 million dollars, far beyond what one table, one rollup cell or one report of a local gateway sums.
 */
public final class Money {
    /** Decimal places a price per million tokens may have. */
    public static final int PRICE_SCALE = 6;
    /** Pico-dollars per dollar. */
    public static final long PICOS_PER_USD = 1_000_000_000_000L;

    private Money() {
    }

    /**
     * A price per million tokens (or a dollar amount) as written, in pico-dollars per token
     * (= micro-dollars per million tokens).
     *
     * @throws IllegalArgumentException when it is not a plain non-negative decimal with at most six decimals
     */
    public static long perToken(String perMillion) {
        BigDecimal d = decimal(perMillion);
        if (d.stripTrailingZeros().scale() > PRICE_SCALE) {
            throw new IllegalArgumentException("has more than " + PRICE_SCALE + " decimals: " + perMillion);
        }
        return d.movePointRight(PRICE_SCALE).longValueExact();
    }

    /** A dollar amount (a monthly fee) in pico-dollars; at most six decimals. */
    public static long dollars(String usd) {
        return Math.multiplyExact(perToken(usd), 1_000_000L);
    }

    private static BigDecimal decimal(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        BigDecimal d;
        try {
            d = new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number: " + text);
        }
        if (d.signum() < 0) {
            throw new IllegalArgumentException("is negative: " + text);
        }
        return d;
    }

    /** Exact dollars of an amount in pico-dollars. */
    public static BigDecimal usd(long picos) {
        return BigDecimal.valueOf(picos, 12).stripTrailingZeros();
    }

    /** The amount as a plain decimal ({@code 0.01875}, {@code 0}, {@code 12.5}), exact. */
    public static String text(long picos) {
        BigDecimal d = usd(picos);
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    /** The amount rounded to cents for people ({@code 12.35}); the exact figure stays in the data. */
    public static String cents(long picos) {
        return BigDecimal.valueOf(picos, 12).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
