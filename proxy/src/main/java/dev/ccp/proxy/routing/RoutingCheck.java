package dev.ccp.proxy.routing;

import dev.ccp.policy.catalog.Catalog;
/**
 * One step of the routing policy. Steps run in order, each seeing the decision so far and returning it
 * unchanged or a replacement; so a new rule (manual override, license, quota) is one more step
 * inserted at its place in {@link RoutingPolicy}.
 */
@FunctionalInterface
public interface RoutingCheck {
    RouteDecision apply(RouteRequest request, RouteDecision current, Catalog catalog);
}
