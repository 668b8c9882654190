package dev.ccp.policy.catalog;

/** A catalog that cannot be used; the message names the file (and line when known) and the problem. */
public final class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }
}
