package dev.ccp.proxy.quota;

import dev.ccp.testkit.TestLicenses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Event;
import dev.ccp.testkit.ModuleJars;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.proxy.testing.ScriptedProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quotas end to end: traffic through the running proxy, the real projector (its jar, as a process) building quota_usage from
 * its events, the proxy's poller reading it, and routing changing. The clock is injected: the window
 * frees by moving it, not by waiting.
 */
class QuotaRoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "claude-3-5-haiku-20241022";

    @TempDir
    Path dir;
    ScriptedProvider anthropic;
    ScriptedProvider zai;
    ProxyServer proxy;
    ProxyConfig config;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T10:00:05Z"));
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void providers() {
        anthropic = new ScriptedProvider("anthropic", "");
        zai = new ScriptedProvider("zai", "/api/anthropic");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        anthropic.close();
        zai.close();
    }

    private void start(String quotas) throws Exception {
        Path catalog = dir.resolve("providers.yaml");
        Files.writeString(catalog, """
                providers:
                  anthropic: { base_url: %s, auth: passthrough }
                  zai: { base_url: %s, auth_env: ZAI_API_KEY }
                routes: [ { match: haiku, provider: zai } ]
                """.formatted(anthropic.baseUrl(), zai.baseUrl()));
        Files.writeString(dir.resolve("quotas.yaml"), quotas);
        Map<String, String> env = new java.util.HashMap<>(TestLicenses.licensed(dir));
        env.putAll(Map.of("CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", catalog.toString(), "ZAI_API_KEY", "zai-key", "CCP_QUOTA_POLL", "50ms",
                "CCP_QUOTAS_FILE", dir.resolve("quotas.yaml").toString()));
        config = ProxyConfig.from(new String[]{"--port", "0"}, env);
        InstantSource clock = now::get;
        proxy = ProxyServer.start(config, clock, UnaryOperator.identity());
    }

    private HttpResponse<String> post(String model) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                        .header("x-api-key", "sk-ant-client").header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":5,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode quotas() throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/quotas")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private HttpResponse<String> reload(String file) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/quotas/reload"))
                        .POST(HttpRequest.BodyPublishers.ofString(file == null ? "" : "{\"file\":\"" + file + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until every request so far is in the log, then brings the sqlite projection up to it. */
    private void project(int finishedRequests) {
        await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(config.paths().queueDir()).stream()
                .filter(e -> e instanceof Event.ResponseCompleted).count() >= finishedRequests);
        ModuleJars.projectOnce(config.paths(), "sqlite");
    }

    private Event.ResponseCompleted completion(HttpResponse<?> res) {
        String reqId = res.headers().firstValue("x-ccp-request-id").orElseThrow();
        return (Event.ResponseCompleted) await().atMost(Duration.ofSeconds(10)).until(
                () -> EventReader.forRequest(config.paths().queueDir(), reqId).stream()
                        .filter(e -> e instanceof Event.ResponseCompleted).findFirst().orElse(null), e -> e != null);
    }

    private String decision(HttpResponse<?> res) {
        String reqId = res.headers().firstValue("x-ccp-request-id").orElseThrow();
        List<Event> events = await().atMost(Duration.ofSeconds(10)).until(
                () -> EventReader.forRequest(config.paths().queueDir(), reqId),
                l -> l.stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
        return events.stream().filter(e -> e instanceof Event.RouteDecided).map(e -> ((Event.RouteDecided) e).decision())
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aQuotaCrossedByTrafficSendsTheLaneToItsFallbackAndBackWhenTheWindowFrees() throws Exception {
        start("""
                quotas:
                  - name: zai-plan
                    provider: zai
                    window: 1h
                    rolling: { requests: 3 }
                    warn_pct: 60
                    block_pct: 100
                    fallback: anthropic
                """);
        assertTrue(post(HAIKU).body().contains("Hello from zai"));
        assertTrue(post(HAIKU).body().contains("Hello from zai"));
        project(2);
        await().atMost(Duration.ofSeconds(1)).until(() -> quotas().at("/standings/0/warn").asBoolean());
        HttpResponse<String> warned = post(HAIKU);
        assertTrue(warned.body().contains("Hello from zai"), "over warn still goes to zai");
        assertEquals("zai-plan=67%;1h rolling", warned.headers().firstValue("x-ccp-quota-warn").orElse(null));

        project(3);
        await().atMost(Duration.ofSeconds(1)).until(() -> quotas().at("/standings/0/block").asBoolean());
        HttpResponse<String> blocked = post(HAIKU);
        assertTrue(blocked.body().contains("Hello from anthropic"), blocked.body());
        assertEquals("quota_block", decision(blocked));
        assertEquals(3, zai.seen().size());
        HttpResponse<String> sonnet = post("claude-sonnet-4-5");
        assertFalse(sonnet.headers().firstValue("x-ccp-quota-warn").isPresent(), "other lanes are not warned");

        now.set(now.get().plus(Duration.ofMinutes(62)));
        await().atMost(Duration.ofSeconds(1)).until(() -> !quotas().at("/standings/0/block").asBoolean());
        HttpResponse<String> freed = post(HAIKU);
        assertTrue(freed.body().contains("Hello from zai"), freed.body());
        assertEquals("model_route", decision(freed));
        assertTrue(freed.headers().firstValue("x-ccp-quota-warn").isEmpty());
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("ccp_quota_warn_total{quota=\"zai-plan\"} 1.0"), metrics);
        assertTrue(metrics.contains("ccp_quota_block_total{action=\"fallback\",quota=\"zai-plan\"} 1.0"), metrics);
    }

    @Test
    void aBlockedQuotaWithoutFallbackIsRefusedWith429NamingTheQuotaAndWhenItFrees() throws Exception {
        start("""
                quotas:
                  - name: haiku-tokens
                    model: "claude-*-haiku-*"
                    window: 5h
                    rolling: { total_tokens: 30 }
                    fallback: none
                """);
        post(HAIKU);
        project(1);
        await().atMost(Duration.ofSeconds(1)).until(() -> quotas().at("/standings/0/block").asBoolean());

        HttpResponse<String> refused = post(HAIKU);

        assertEquals(429, refused.statusCode());
        JsonNode error = JSON.readTree(refused.body());
        assertEquals("error", error.path("type").asText());
        assertEquals("rate_limit_error", error.at("/error/type").asText());
        String message = error.at("/error/message").asText();
        assertTrue(message.contains("haiku-tokens") && message.contains("frees at 2026-11-24T15:01:00Z"), message);
        assertEquals(String.valueOf(5 * 3600 + 55), refused.headers().firstValue("retry-after").orElse(null));
        assertEquals("quota_block", decision(refused));
        Event.ResponseCompleted completed = completion(refused);
        assertEquals(429, completed.status());
        assertEquals("refused", completed.outcome(), "a refusal by a quota is not a failure of the proxy");
        assertEquals("none", completed.http(), "nothing went upstream, so no protocol to report");
        assertEquals(1, zai.seen().size(), "nothing went upstream");
        project(2);
        now.set(now.get().plus(Duration.ofHours(5)).plusSeconds(60));
        await().atMost(Duration.ofSeconds(1)).until(() -> !quotas().at("/standings/0/block").asBoolean());
        assertTrue(post(HAIKU).body().contains("Hello from zai"), "the refused request used no quota: the window frees on time");
    }

    @Test
    void aModelQuotaFallsBackToAnotherLaneButNotToALaneWhoseOwnQuotaIsBlocked() throws Exception {
        start("""
                quotas:
                  - name: haiku-tokens
                    model: "claude-*-haiku-*"
                    rolling: { total_tokens: 30 }
                    fallback: anthropic
                  - name: anthropic-requests
                    provider: anthropic
                    rolling: { requests: 2 }
                    fallback: none
                """);
        post(HAIKU);
        project(1);
        await().atMost(Duration.ofSeconds(1)).until(() -> quotas().at("/standings/0/block").asBoolean());

        HttpResponse<String> moved = post(HAIKU);
        assertTrue(moved.body().contains("Hello from anthropic"), moved.body());
        assertEquals("quota_block", decision(moved));
        post("claude-sonnet-4-5");
        project(3);
        await().atMost(Duration.ofSeconds(1)).until(() -> quotas().at("/standings/1/block").asBoolean());

        HttpResponse<String> refused = post(HAIKU);
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("haiku-tokens"), refused.body());
        assertEquals(1, zai.seen().size());
    }

    @Test
    void aBadQuotaFileIsRefusedWithTheReasonAndTheOldQuotasStay() throws Exception {
        start("""
                quotas:
                  - name: zai-plan
                    provider: zai
                    rolling: { requests: 100 }
                """);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                quotas:
                  - name: typo
                    provider: zai
                    rolling: { requets: 10 }
                """);

        HttpResponse<String> refused = reload(bad.toString());

        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("unknown key requets"), refused.body());
        JsonNode in = quotas();
        assertEquals(dir.resolve("quotas.yaml").toString(), in.path("source").asText());
        assertEquals("zai-plan", in.at("/quotas/0/name").asText());

        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "quotas:\n  - { name: new-plan, provider: zai, weekly: { requests: 5 } }\n");
        assertEquals(200, reload(good.toString()).statusCode());
        assertEquals("new-plan", quotas().at("/quotas/0/name").asText());
        assertEquals(good.toString(), quotas().path("source").asText());

        List<Event.ConfigChanged> changes = await().atMost(Duration.ofSeconds(10)).until(
                () -> EventReader.all(config.paths().queueDir()).stream().filter(e -> e instanceof Event.ConfigChanged)
                        .map(Event.ConfigChanged.class::cast).filter(c -> c.kind().equals("quotas")).toList(),
                l -> l.size() == 3);
        assertEquals(List.of(true, false, true), changes.stream().map(Event.ConfigChanged::accepted).toList());
        assertTrue(changes.get(1).error().contains("requets"));
        assertTrue(changes.get(2).detail().contains("new-plan"));
    }

    @Test
    void reloadFromAnotherAddressIsRefusedWith403() throws Exception {
        java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        Files.writeString(dir.resolve("quotas.yaml"), "quotas: []\n");
        config = ProxyConfig.from(new String[]{"--port", "0", "--host", "0.0.0.0"}, Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(), "CCP_QUOTAS_FILE", dir.resolve("quotas.yaml").toString()));
        proxy = ProxyServer.start(config, now::get, UnaryOperator.identity());

        HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + external.getHostAddress() + ":" + proxy.port() + "/v1/quotas/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(403, res.statusCode());
        JsonNode error = JSON.readTree(res.body());
        assertEquals("permission_error", error.at("/error/type").asText());
        assertEquals(200, reload(null).statusCode(), "loopback is answered");
    }

    @Test
    void reloadIsAnsweredOnlyForLoopbackCallers() throws Exception {
        assertTrue(QuotaService.loopback(new java.net.InetSocketAddress("127.0.0.1", 1)));
        assertTrue(QuotaService.loopback(new java.net.InetSocketAddress("::1", 1)));
        assertFalse(QuotaService.loopback(new java.net.InetSocketAddress("192.168.1.20", 1)));
    }
}
