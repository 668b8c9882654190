package dev.ccp.readmodel;

/** The read model cannot be read; the message is the one line to show. */
public final class ReadModelException extends RuntimeException {
    public ReadModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
