package dev.ccp.proxy.routing;

/**
 * Thrown by a {@link RoutingCheck} that refuses a request instead of routing it (for example a quota
 * over its block level with no fallback). The proxy answers it itself, as Anthropic shapes errors,
 * and records {@code decision} with no lane; nothing goes upstream.
 *
 * @see dev.ccp.events.Decisions
 */
public final class RouteRefusal extends RuntimeException {
    private final String decision;
    private final int status;
    private final String errorType;
    private final long retryAfterSeconds;

    /** @param retryAfterSeconds sent as {@code retry-after}; negative for none */
    public RouteRefusal(String decision, int status, String errorType, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.decision = decision;
        this.status = status;
        this.errorType = errorType;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String decision() {
        return decision;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
