package dev.ccp.policy.catalog;

/**
 * A route's {@code when:}: the route matches only while the condition holds. Each threshold is a share
 * of a window (0 to 1), null when not asked.
 *
 * @param anthropic5hUtilizationGte holds while Anthropic's 5-hour window is at least this used
 * @param anthropic7dUtilizationGte holds while Anthropic's 7-day window is at least this used
 */
public record RouteCondition(Double anthropic5hUtilizationGte, Double anthropic7dUtilizationGte) {
    public static final String ANTHROPIC_5H = "anthropic_5h_utilization_gte";
    public static final String ANTHROPIC_7D = "anthropic_7d_utilization_gte";
}
