package dev.ccp.ship;

/** The shipper cannot go on; the message is the one line the operator sees. */
public final class ShipException extends RuntimeException {
    public ShipException(String message) {
        super(message);
    }
}
