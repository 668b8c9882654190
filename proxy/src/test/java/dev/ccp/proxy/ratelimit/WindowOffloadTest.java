package dev.ccp.proxy.ratelimit;

import dev.ccp.events.Decisions;
import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fake Anthropic reports its 5-hour window 95% used; once the projection has it, a catalog route with
 * {@code when: {anthropic_5h_utilization_gte: 0.9}} sends sonnet to Z.AI as {@code window_offload}.
 */
class WindowOffloadTest {
    @TempDir
    Path dir;
    FakeProvider anthropic;
    FakeProvider zai;
    ProxyServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
        if (anthropic != null) {
            anthropic.close();
        }
        if (zai != null) {
            zai.close();
        }
    }

    private HttpResponse<String> sonnet() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .header("x-api-key", "sk-ant-client-key-444").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private Event.RouteDecided decision(String reqId) {
        return EventReader.forRequest(dir.resolve("logs").resolve("queue"), reqId).stream()
                .filter(e -> e instanceof Event.RouteDecided).map(e -> (Event.RouteDecided) e).reduce((a, b) -> b).orElse(null);
    }

    @Test
    void sonnet_goes_to_zai_as_window_offload_once_anthropic_reports_its_5h_window_nearly_spent() throws Exception {
        anthropic = new FakeProvider("anthropic", "", false)
                .answerWith("anthropic-ratelimit-unified-5h-utilization", "0.95")
                .answerWith("anthropic-ratelimit-unified-5h-status", "allowed_warning")
                .answerWith("anthropic-ratelimit-unified-5h-reset", Long.toString(Instant.now().getEpochSecond() + 3_600));
        zai = new FakeProvider("zai", "/api/anthropic", true);
        Path catalog = dir.resolve("providers.yaml");
        Files.writeString(catalog, """
                providers:
                  anthropic: { base_url: %s, auth: passthrough }
                  zai: { base_url: %s, auth_env: ZAI_API_KEY }
                routes:
                  - match: sonnet
                    provider: zai
                    upstream_model: glm-4.6
                    when: {anthropic_5h_utilization_gte: 0.9}
                default_provider: anthropic
                license_public_keys: [ "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=" ]
                """.formatted(anthropic.baseUrl(), zai.baseUrl()));
        Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir));
        env.put("ZAI_API_KEY", "zai-secret-555");
        env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env));

        HttpResponse<String> first = sonnet();
        assertEquals(200, first.statusCode(), first.body());
        String firstId = first.headers().firstValue("x-ccp-request-id").orElseThrow();
        Event.RouteDecided before = await().atMost(Duration.ofSeconds(10)).until(() -> decision(firstId), d -> d != null);
        assertEquals(Decisions.DEFAULT_ROUTE, before.decision(), "no window reported yet: the condition does not hold");
        assertEquals(0, zai.seen().size());

        await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(dir.resolve("logs").resolve("queue"), firstId)
                .stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
        ProjectOnceForTests.sqlite(dir);

        Event.RouteDecided offloaded = await().atMost(Duration.ofSeconds(15)).until(() -> {
            HttpResponse<String> r = sonnet();
            return decision(r.headers().firstValue("x-ccp-request-id").orElseThrow());
        }, d -> d != null && d.decision().equals(Decisions.WINDOW_OFFLOAD));
        assertEquals("zai", offloaded.provider());
        assertEquals("glm-4.6", offloaded.upstreamModel());
        assertEquals("anthropic 5h window 95% used (>= 90%): route sonnet -> zai", offloaded.reason());
        assertTrue(zai.seen().stream().anyMatch(s -> new String(s.body()).contains("\"glm-4.6\"")));
        assertEquals("zai-secret-555", zai.seen().getLast().header("x-api-key"));
    }
}
