package dev.ccp.proxy.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operators' changes reaching a running proxy without a restart: the model override file, cc pause /
 * resume through the admin endpoint, an edited catalog (and a broken one), and a provider lacking
 * count_tokens. Real loopback HTTP, fake providers as real servers, events read from the real queue.
 */
class LiveControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;
    FakeProvider anthropic;
    FakeProvider zai;
    ProxyServer proxy;
    Path catalog;
    Path userConfig;

    @BeforeEach
    void start() throws Exception {
        anthropic = new FakeProvider("anthropic", "", false);
        zai = new FakeProvider("zai", "/api/anthropic", true);
        catalog = dir.resolve("providers.yaml");
        writeCatalog("""
                routes:
                  - match: haiku
                    provider: zai
                """);
        Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir));
        userConfig = Path.of(env.get("XDG_CONFIG_HOME")).resolve("ccp");
        env.put("ZAI_API_KEY", "zai-key-live");
        env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        env.put("CCP_RELOAD_INTERVAL", "50ms");
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env));
    }

    @AfterEach
    void stop() {
        proxy.stop("test");
        anthropic.close();
        zai.close();
    }

    private void writeCatalog(String routes) throws Exception {
        Path tmp = dir.resolve("providers.yaml.tmp");
        Files.writeString(tmp, """
                providers:
                  anthropic: { base_url: %s, auth: passthrough }
                  zai: { base_url: %s, auth_env: ZAI_API_KEY }
                default_provider: anthropic
                """.formatted(anthropic.baseUrl(), zai.baseUrl()) + routes);
        Files.move(tmp, catalog, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + proxy.port() + path;
    }

    private HttpResponse<String> post(String path, String model) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("x-api-key", "sk-ant-client-live")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The RouteDecided events of the request that answered {@code res}, once it completed. */
    private List<Event.RouteDecided> decisions(HttpResponse<?> res) {
        String reqId = res.headers().firstValue("x-ccp-request-id").orElseThrow();
        List<Event> events = await().atMost(Duration.ofSeconds(10)).until(
                () -> EventReader.forRequest(dir.resolve("logs/queue"), reqId),
                l -> l.stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
        return events.stream().filter(e -> e instanceof Event.RouteDecided).map(Event.RouteDecided.class::cast).toList();
    }

    private List<Event.ConfigChanged> configChanges(String kind) {
        return EventReader.all(dir.resolve("logs/queue")).stream().filter(e -> e instanceof Event.ConfigChanged)
                .map(Event.ConfigChanged.class::cast).filter(e -> e.kind().equals(kind)).toList();
    }

    @Test
    void modelOverrideFileIsSeenWithoutRestartAndTheBodyKeepsTheClientsModel() throws Exception {
        HttpResponse<String> before = post("/v1/messages", "claude-sonnet-4-5");
        assertTrue(before.body().contains("Hello from anthropic"), before.body());

        Files.writeString(userConfig.resolve("model"), "haiku\n");
        HttpResponse<String> overridden = await().atMost(Duration.ofSeconds(10))
                .until(() -> post("/v1/messages", "claude-sonnet-4-5"), r -> r.body().contains("Hello from zai"));

        Event.RouteDecided d = decisions(overridden).getFirst();
        assertEquals("manual_override", d.decision());
        assertEquals("zai", d.lane());
        assertEquals("claude-sonnet-4-5", d.model());
        assertEquals("claude-sonnet-4-5", d.upstreamModel());
        FakeProvider.Seen atZai = zai.seen().getLast();
        assertEquals("claude-sonnet-4-5", JSON.readTree(atZai.body()).get("model").asText(), "the body is not rewritten");
        assertEquals("zai-key-live", atZai.header("x-api-key"));
        assertEquals("haiku", JSON.readTree(configChanges("model_override").getLast().detail()).get("model").asText());

        Files.delete(userConfig.resolve("model"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> post("/v1/messages", "claude-sonnet-4-5"), r -> r.body().contains("Hello from anthropic"));
    }

    @Test
    void pauseAndResumeFlipTheKillSwitchOfTheRunningProxy() throws Exception {
        assertTrue(post("/v1/messages", "claude-haiku-4-5").body().contains("Hello from zai"));

        HttpResponse<String> paused = admin("/admin/pause");
        assertEquals(200, paused.statusCode(), paused.body());
        JsonNode state = JSON.readTree(paused.body());
        assertTrue(state.get("paused").asBoolean());
        assertTrue(state.get("changed").asBoolean());

        HttpResponse<String> whilePaused = post("/v1/messages", "claude-haiku-4-5");
        assertTrue(whilePaused.body().contains("Hello from anthropic"), whilePaused.body());
        assertEquals("paused", decisions(whilePaused).getFirst().decision());
        assertFalse(JSON.readTree(admin("/admin/pause").body()).get("changed").asBoolean(), "pausing twice changes nothing");

        HttpResponse<String> resumed = admin("/admin/resume");
        assertFalse(JSON.readTree(resumed.body()).get("paused").asBoolean());
        HttpResponse<String> after = post("/v1/messages", "claude-haiku-4-5");
        assertTrue(after.body().contains("Hello from zai"), after.body());
        assertEquals("model_route", decisions(after).getFirst().decision());

        List<Event.ConfigChanged> flips = await().atMost(Duration.ofSeconds(10))
                .until(() -> configChanges("paused"), l -> l.size() == 3);
        assertEquals(List.of("policy", "/admin/pause", "/admin/resume"), flips.stream().map(Event.ConfigChanged::source).toList());
        assertEquals(List.of("{\"paused\":false}", "{\"paused\":true}", "{\"paused\":false}"),
                flips.stream().map(Event.ConfigChanged::detail).toList());
    }

    @Test
    void theAdminEndpointRefusesABrowsersRequestWithAnAnthropicShapedError() throws Exception {
        HttpResponse<String> res = admin("/admin/pause", "Origin", "https://evil.example");
        assertEquals(403, res.statusCode());
        JsonNode body = JSON.readTree(res.body());
        assertEquals("error", body.get("type").asText());
        assertEquals("permission_error", body.get("error").get("type").asText());
        assertFalse(proxy.control().paused());
    }

    @Test
    void anEditedCatalogIsReloadedAndABrokenOneLeavesTheLastGoodInForce() throws Exception {
        writeCatalog("""
                routes:
                  - match: haiku
                    provider: zai
                  - match: opus
                    provider: zai
                    upstream_model: glm-4.5-air
                """);
        HttpResponse<String> rewritten = await().atMost(Duration.ofSeconds(10))
                .until(() -> post("/v1/messages", "claude-opus-4-1"), r -> r.body().contains("Hello from zai"));
        Event.RouteDecided d = decisions(rewritten).getFirst();
        assertEquals("model_route", d.decision());
        assertEquals("claude-opus-4-1", d.model());
        assertEquals("glm-4.5-air", d.upstreamModel());
        assertEquals("glm-4.5-air", JSON.readTree(zai.seen().getLast().body()).get("model").asText());

        writeCatalog("""
                routes:
                  - match: opus
                    provider: zia
                """);
        Event.ConfigChanged refused = await().atMost(Duration.ofSeconds(10)).until(
                () -> configChanges("providers").stream().filter(e -> !e.accepted()).findFirst().orElse(null), e -> e != null);
        assertTrue(refused.error().startsWith(catalog + ":6: route 1 (match opus) names unknown provider zia"), refused.error());
        assertEquals(refused.error(), proxy.control().lastReloadError());
        assertTrue(post("/v1/messages", "claude-opus-4-1").body().contains("Hello from zai"), "last good catalog still routes");
        List<Event.ConfigChanged> all = configChanges("providers");
        assertTrue(all.size() >= 3, "start, reload, refused: " + all);
        assertTrue(all.stream().noneMatch(e -> String.valueOf(e.detail()).contains("zai-key-live")
                || String.valueOf(e.error()).contains("zai-key-live")), "no key value in a ConfigChanged event");
        assertTrue(all.getFirst().detail().contains("\"auth\":\"ZAI_API_KEY\""), all.getFirst().detail());
    }

    @Test
    void countTokensAnswered404IsServedByTheDefaultProviderAndRemembered() throws Exception {
        zai.withoutCountTokens();
        HttpResponse<String> first = post("/v1/messages/count_tokens", "claude-haiku-4-5");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(42, JSON.readTree(first.body()).get("input_tokens").asInt());
        assertEquals(List.of("model_route", "fallback_unsupported"),
                decisions(first).stream().map(Event.RouteDecided::decision).toList());
        int zaiCalls = zai.seen().size();

        HttpResponse<String> second = post("/v1/messages/count_tokens", "claude-haiku-4-5");
        assertEquals(200, second.statusCode());
        assertEquals(List.of("fallback_unsupported"), decisions(second).stream().map(Event.RouteDecided::decision).toList());
        assertEquals(zaiCalls, zai.seen().size(), "zai is not asked again while remembered");
        assertTrue(anthropic.seen().getLast().headers().toString().contains("sk-ant-client-live"));
        assertFalse(anthropic.seen().getLast().headers().toString().contains("zai-key-live"));
    }
}
