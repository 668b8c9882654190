package dev.ccp.projector;

/** Progress of a rebuild or catch-up: called a few times a second from the projecting thread. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total, eventsPerSecond) -> {
    };

    void update(long done, long total, double eventsPerSecond);
}
