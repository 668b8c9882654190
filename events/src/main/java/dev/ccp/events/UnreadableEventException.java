package dev.ccp.events;

/** A log document that is not a readable event; the message is a short reason for operators. */
public final class UnreadableEventException extends Exception {
    public UnreadableEventException(String reason) {
        super(reason, null, false, false);
    }
}
