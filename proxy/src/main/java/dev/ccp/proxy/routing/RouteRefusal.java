package dev.ccp.proxy.routing;

import dev.ccp.events.Decision;

/**
 * Thrown by a {@link RoutingCheck} that refuses a request instead of routing it (for example a quota
 * over its block level with no fallback). The proxy answers it itself, as Anthropic shapes errors,
 * and records {@code decision} with no lane; nothing goes upstream.
 *
 * @see Decision
 */
public final class RouteRefusal extends RuntimeException {
    private final Decision decision;
    private final int status;
    private final String errorType;
    private final long retryAfterSeconds;

    /** @param retryAfterSeconds sent as {@code retry-after}; negative for none */
    public RouteRefusal(Decision decision, int status, String errorType, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.decision = decision;
        this.status = status;
        this.errorType = errorType;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The decision as the log writes it. */
    public String decision() {
        return decision.wire();
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
