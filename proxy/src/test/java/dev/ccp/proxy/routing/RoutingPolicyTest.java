package dev.ccp.proxy.routing;

import dev.ccp.policy.catalog.Catalog;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoutingPolicyTest {
    private final Catalog catalog = Catalog.builtIn();

    private static RouteRequest messages(String model) {
        return new RouteRequest(model, "POST", "/v1/messages", true);
    }

    @Test
    void haikuInAnyCaseGoesToZaiAndTheRestToTheDefault() {
        RoutingPolicy p = RoutingPolicy.standard(() -> catalog, () -> false, Map.of("ZAI_API_KEY", "k")::get).build();
        RouteDecision haiku = p.decide(messages("Claude-3-5-HAIKU-20241022"));
        assertEquals("model_route", haiku.decision());
        assertEquals("zai", haiku.provider().name());
        assertEquals("x-api-key", haiku.headerMode());
        RouteDecision sonnet = p.decide(messages("claude-sonnet-4-5"));
        assertEquals("default_route", sonnet.decision());
        assertEquals("passthrough", sonnet.headerMode());
        RouteDecision models = p.decide(new RouteRequest(null, "GET", "/v1/models", false));
        assertEquals("anthropic", models.provider().name());
    }

    @Test
    void pausedSendsEverythingToTheDefaultProviderAtOnce() {
        AtomicBoolean paused = new AtomicBoolean();
        RoutingPolicy p = RoutingPolicy.standard(() -> catalog, paused::get, Map.of("ZAI_API_KEY", "k")::get).build();
        assertEquals("zai", p.decide(messages("haiku")).provider().name());
        paused.set(true);
        RouteDecision d = p.decide(messages("haiku"));
        assertEquals("paused", d.decision());
        assertEquals("anthropic", d.provider().name());
        assertEquals("passthrough", d.headerMode());
    }

    @Test
    void anUnsetKeyVariableFallsBackToTheDefaultProvider() {
        RoutingPolicy p = RoutingPolicy.standard(() -> catalog, () -> false, Map.<String, String>of()::get).build();
        RouteDecision d = p.decide(messages("claude-haiku-4-5"));
        assertEquals("missing_credentials", d.decision());
        assertEquals("anthropic", d.provider().name());
        assertEquals(java.util.List.of("ZAI_API_KEY is not set: haiku requests go to anthropic (decision missing_credentials)"),
                RoutingPolicy.warnings(catalog, Map.of(), false));
    }

    @Test
    void aNewCheckInsertedBeforeMissingCredentialsSeesTheMatchAndCanOverrideIt() {
        RoutingPolicy p = RoutingPolicy.standard(() -> catalog, () -> false, Map.<String, String>of()::get)
                .insertBefore(RoutingPolicy.MISSING_CREDENTIALS, "license", (req, current, c) ->
                        current.provider().name().equals("zai")
                                ? current.reroute(dev.ccp.events.Decision.LICENSE_BLOCK, c.defaultProviderEntry(), "community mode")
                                : current)
                .build();
        assertEquals("license_block", p.decide(messages("haiku")).decision());
        assertEquals("default_route", p.decide(messages("sonnet")).decision());
    }
}
