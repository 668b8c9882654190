package dev.ccp.projector;

/** A run that cannot go on; the message is one line for operators. */
public class ProjectorException extends RuntimeException {
    public ProjectorException(String message) {
        super(message);
    }

    public ProjectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
