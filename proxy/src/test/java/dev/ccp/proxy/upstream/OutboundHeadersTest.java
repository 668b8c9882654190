package dev.ccp.proxy.upstream;

import dev.ccp.policy.catalog.Provider;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundHeadersTest {
    private static Headers client() {
        WritableHeaders<?> h = WritableHeaders.create();
        h.set(HeaderNames.create("x-api-key"), "sk-ant-client");
        h.set(HeaderNames.AUTHORIZATION, "Bearer sk-ant-oauth");
        h.set(HeaderNames.create("anthropic-beta"), "a-2025-01-01,b-2025-02-02");
        h.set(HeaderNames.create("anthropic-version"), "2023-06-01");
        h.set(HeaderNames.create("x-claude-code-session-id"), "s1");
        h.set(HeaderNames.CONNECTION, "keep-alive");
        h.set(HeaderNames.HOST, "127.0.0.1:8082");
        return h;
    }

    @Test
    void passthroughKeepsTheClientsCredentialsAndDropsHopByHop() {
        Headers out = OutboundHeaders.forProvider(client(), Provider.passthrough("anthropic", "https://api.anthropic.com"),
                Map.of("ZAI_API_KEY", "zai-key")::get);
        assertEquals("sk-ant-client", out.get(HeaderNames.create("x-api-key")).get());
        assertEquals("Bearer sk-ant-oauth", out.get(HeaderNames.AUTHORIZATION).get());
        assertEquals("a-2025-01-01,b-2025-02-02", out.get(HeaderNames.create("anthropic-beta")).get());
        assertFalse(out.contains(HeaderNames.CONNECTION));
        assertFalse(out.contains(HeaderNames.HOST));
        assertFalse(out.toString().contains("zai-key"));
    }

    @Test
    void bearerModeReplacesBothClientCredentialsWithTheProviderKey() {
        Headers out = OutboundHeaders.forProvider(client(),
                Provider.keyed("zai", "https://api.z.ai/api/anthropic", "ZAI_API_KEY", "authorization"),
                Map.of("ZAI_API_KEY", "zai-key")::get);
        assertEquals("Bearer zai-key", out.get(HeaderNames.AUTHORIZATION).get());
        assertFalse(out.contains(HeaderNames.create("x-api-key")));
        assertFalse(out.toString().contains("sk-ant"));
        assertTrue(out.contains(HeaderNames.create("x-claude-code-session-id")));
    }

    @Test
    void apiKeyModeSetsOnlyXApiKey() {
        Headers out = OutboundHeaders.forProvider(client(),
                Provider.keyed("zai", "https://api.z.ai/api/anthropic", "ZAI_API_KEY", "x-api-key"),
                Map.of("ZAI_API_KEY", "zai-key")::get);
        assertEquals("zai-key", out.get(HeaderNames.create("x-api-key")).get());
        assertFalse(out.contains(HeaderNames.AUTHORIZATION));
    }
}
