package dev.ccp.events;

/**
 * How a request ended, as {@link Event.ResponseCompleted#outcome()} says it: {@link #wire()} is the
 * word in the log, kept byte for byte ({@link Outcomes} holds the same words as constants).
 */
public enum Outcome {
    /** The answer reached the client whole (whatever its status). */
    OK(Outcomes.OK),
    /** The client went away before the answer was whole. */
    CLIENT_ABORT(Outcomes.CLIENT_ABORT),
    /** The provider failed: an error status, a broken connection, an error event or a stream cut short. */
    UPSTREAM_ERROR(Outcomes.UPSTREAM_ERROR),
    /** The provider was silent longer than a timeout allows. */
    TIMEOUT(Outcomes.TIMEOUT),
    /** The proxy answered itself: bad input, or a failure of its own. */
    PROXY_ERROR(Outcomes.PROXY_ERROR),
    /** A routing rule refused the request (a quota over its block level with no fallback); nothing went upstream. */
    REFUSED(Outcomes.REFUSED),
    /** Set by projections, never by the proxy: the instance died before the request finished. */
    PROXY_LOST(Outcomes.PROXY_LOST);

    private final String wire;

    Outcome(String wire) {
        this.wire = wire;
    }

    /** The word written to the log. */
    public String wire() {
        return wire;
    }
}
