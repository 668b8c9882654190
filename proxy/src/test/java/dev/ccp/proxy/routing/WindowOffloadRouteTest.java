package dev.ccp.proxy.routing;

import dev.ccp.events.Decisions;
import dev.ccp.policy.catalog.Catalog;
import dev.ccp.policy.catalog.CatalogException;
import dev.ccp.policy.catalog.CatalogLoader;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A route with {@code when:} matches only while its condition holds; it is then decision window_offload. */
class WindowOffloadRouteTest {
    private static final String CATALOG = """
            providers:
              anthropic: { base_url: https://api.anthropic.com, auth: passthrough }
              zai: { base_url: https://api.z.ai/api/anthropic, auth_env: ZAI_API_KEY }
            routes:
              - match: sonnet
                provider: zai
                upstream_model: glm-4.6
                when: {anthropic_5h_utilization_gte: 0.9}
              - match: haiku
                provider: zai
            default_provider: anthropic
            """;

    private static RouteDecision route(String model, RoutingPolicy.Conditions conditions) {
        Catalog c = CatalogLoader.parse(CATALOG, "providers.yaml");
        return RoutingPolicy.match(new RouteRequest(model, "POST", "/v1/messages", true), null, c, conditions);
    }

    @Test
    void while_the_condition_holds_sonnet_goes_to_zai_as_window_offload_with_the_utilisation_in_the_reason() {
        RouteDecision d = route("claude-sonnet-4-5", when -> when.anthropic5hUtilizationGte() == 0.9
                ? Optional.of("anthropic 5h window 93% used (>= 90%)") : Optional.empty());
        assertEquals(Decisions.WINDOW_OFFLOAD, d.decision());
        assertEquals("zai", d.provider().name());
        assertEquals("glm-4.6", d.upstreamModel());
        assertEquals("anthropic 5h window 93% used (>= 90%): route sonnet -> zai", d.reason());
    }

    @Test
    void otherwise_the_conditional_route_is_passed_over_and_the_rest_of_the_catalog_decides() {
        RouteDecision sonnet = route("claude-sonnet-4-5", RoutingPolicy.Conditions.NEVER);
        assertEquals(Decisions.DEFAULT_ROUTE, sonnet.decision());
        assertEquals("anthropic", sonnet.provider().name());
        assertEquals("claude-sonnet-4-5", sonnet.upstreamModel());
        RouteDecision haiku = route("claude-haiku-4-5", when -> Optional.of("always"));
        assertEquals(Decisions.MODEL_ROUTE, haiku.decision());
        assertEquals("zai", haiku.provider().name());
    }

    @Test
    void an_unknown_condition_or_a_share_outside_0_to_1_is_refused_with_its_line() {
        String base = """
                providers:
                  anthropic: { base_url: https://api.anthropic.com, auth: passthrough }
                  zai: { base_url: https://api.z.ai/api/anthropic, auth_env: ZAI_API_KEY }
                routes:
                  - match: sonnet
                    provider: zai
                    when: {%s}
                """;
        assertEquals("c.yaml:7: route 1 has an unknown condition openai_5h_utilization_gte (known: "
                        + "anthropic_5h_utilization_gte, anthropic_7d_utilization_gte)",
                assertThrows(CatalogException.class, () -> CatalogLoader.parse(
                        base.formatted("openai_5h_utilization_gte: 0.9"), "c.yaml")).getMessage());
        assertEquals("c.yaml:7: route 1 when anthropic_5h_utilization_gte must be a share from 0 to 1, not 90",
                assertThrows(CatalogException.class, () -> CatalogLoader.parse(
                        base.formatted("anthropic_5h_utilization_gte: 90"), "c.yaml")).getMessage());
    }
}
