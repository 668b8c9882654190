package dev.ccp.policy.price;

/** A price table that cannot be used; the message starts with {@code FILE:LINE:} where one is known. */
public final class PriceException extends RuntimeException {
    public PriceException(String message) {
        super(message);
    }
}
