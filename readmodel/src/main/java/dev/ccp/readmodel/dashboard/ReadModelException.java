package dev.ccp.readmodel.dashboard;

/** The read model could not be read (not "no data yet": that reads as empty). */
public final class ReadModelException extends RuntimeException {
    public ReadModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
