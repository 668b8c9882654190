package dev.ccp.proxy.routing;

import dev.ccp.events.Decision;
import dev.ccp.policy.catalog.Provider;

/**
 * The routing outcome for one request (or one attempt, after a reroute).
 *
 * @param kind          why it goes there
 * @param provider      who serves it
 * @param upstreamModel the model name sent upstream (equal to the client's unless a route rewrites it)
 * @param headerMode    how the credential is sent ({@link dev.ccp.events.HeaderModes})
 * @param reason        a short, secret-free explanation for the event log
 */
public record RouteDecision(Decision kind, Provider provider, String upstreamModel, String headerMode, String reason) {

    /** The decision as the log writes it. */
    public String decision() {
        return kind.wire();
    }

    /** The same request served by {@code other} instead, for the reasons given. */
    public RouteDecision reroute(Decision newKind, Provider other, String newReason) {
        // A fallback speaks the client's model: a rewrite belongs to the route that was left.
        return new RouteDecision(newKind, other, null, other.headerMode(), newReason);
    }

    public RouteDecision withUpstreamModel(String model) {
        return new RouteDecision(kind, provider, model, headerMode, reason);
    }
}
