package dev.ccp.events;

/** The vocabulary of {@link Event.ResponseCompleted#outcome()}. */
public final class Outcomes {
    public static final String OK = "ok";
    public static final String CLIENT_ABORT = "client_abort";
    public static final String UPSTREAM_ERROR = "upstream_error";
    public static final String TIMEOUT = "timeout";
    public static final String PROXY_ERROR = "proxy_error";
    /** Set by projections, never by the proxy: the instance died before the request finished. */
    public static final String PROXY_LOST = "proxy_lost";

    private Outcomes() {
    }
}
