package dev.ccp.proxy.routing;

import dev.ccp.policy.catalog.Provider;
/**
 * The routing outcome for one request (or one attempt, after a reroute).
 *
 * @param decision      one of {@link dev.ccp.events.Decisions}
 * @param provider      who serves it
 * @param upstreamModel the model name sent upstream (equal to the client's unless a route rewrites it)
 * @param headerMode    how the credential is sent ({@link dev.ccp.events.HeaderModes})
 * @param reason        a short, secret-free explanation for the event log
 */
public record RouteDecision(String decision, Provider provider, String upstreamModel, String headerMode, String reason) {

    /** The same request served by {@code other} instead, for the reasons given. */
    public RouteDecision reroute(String newDecision, Provider other, String newReason) {
        // A fallback speaks the client's model: a rewrite belongs to the route that was left.
        return new RouteDecision(newDecision, other, null, other.headerMode(), newReason);
    }

    public RouteDecision withUpstreamModel(String model) {
        return new RouteDecision(decision, provider, model, headerMode, reason);
    }
}
