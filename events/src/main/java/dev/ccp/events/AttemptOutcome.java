package dev.ccp.events;

/** How one upstream try ended, as {@link Event.UpstreamAttempt#outcome()} says it ({@link #wire()}). */
public enum AttemptOutcome {
    /** A response head came; it was relayed. */
    RESPONSE("response"),
    /** No connection (refused, unknown host, dial or TLS failure). */
    CONNECT_ERROR("connect_error"),
    /** No head, or no next bytes, in time. */
    TIMEOUT("timeout"),
    /** The connection broke. */
    IO_ERROR("io_error"),
    /** Abandoned for another try on the same provider (backoff). */
    RETRIED("retried"),
    /** Abandoned for another provider. */
    REROUTED("rerouted");

    private final String wire;

    AttemptOutcome(String wire) {
        this.wire = wire;
    }

    /** The word written to the log. */
    public String wire() {
        return wire;
    }
}
