package dev.ccp.projector;

/** A projection is being built by another projector process (it holds the projection's lock). */
public final class ProjectionBusyException extends ProjectorException {
    private final String projection;

    public ProjectionBusyException(String projection, String message) {
        super(message);
        this.projection = projection;
    }

    public String projection() {
        return projection;
    }
}
