package dev.ccp.events;

/** The vocabulary of {@link Event.ResponseCompleted#outcome()} as text; {@link Outcome} is the same as a type. */
public final class Outcomes {
    public static final String OK = "ok";
    public static final String CLIENT_ABORT = "client_abort";
    public static final String UPSTREAM_ERROR = "upstream_error";
    public static final String TIMEOUT = "timeout";
    public static final String PROXY_ERROR = "proxy_error";
    /** A routing rule refused the request (quota over its block level, no fallback); nothing went upstream. */
    public static final String REFUSED = "refused";
    /** Set by projections, never by the proxy: the instance died before the request finished. */
    public static final String PROXY_LOST = "proxy_lost";

    private Outcomes() {
    }
}
