package dev.ccp.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.ccp.events.Event;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy between the official Anthropic SDK (and a raw HTTP client) and two fake providers on
 * loopback: a fake Anthropic and a fake Z.AI under /api/anthropic. Events are read back from the
 * real Chronicle queue.
 */
class ProxyRoutingTest {
    static final String CLIENT_KEY = "sk-ant-client-secret-111";
    static final String ZAI_KEY = "zai-secret-222";
    static final String BETA = "fine-grained-tool-streaming-2025-05-14";

    @TempDir
    static Path dir;
    static FakeProvider anthropic;
    static FakeProvider zai;
    static ProxyServer proxy;
    static String base;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        anthropic = new FakeProvider("anthropic", "", false);
        zai = new FakeProvider("zai", "/api/anthropic", true);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path catalog = dir.resolve("providers.yaml");
        Files.writeString(catalog, """
                providers:
                  anthropic:
                    base_url: %s
                    auth: passthrough
                  zai:
                    base_url: %s
                    auth_env: ZAI_API_KEY
                    header_mode: x-api-key
                  deadend:
                    base_url: http://127.0.0.1:%d/api
                    auth_env: ZAI_API_KEY
                routes:
                  - match: rewrite-me
                    provider: zai
                    upstream_model: glm-4.5-air
                  - match: unreachable
                    provider: deadend
                  - match: haiku
                    provider: zai
                default_provider: anthropic
                license_public_keys: [ "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=" ]
                """.formatted(anthropic.baseUrl(), zai.baseUrl(), closedPort));
        Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir));
        env.put("ZAI_API_KEY", ZAI_KEY);
        env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        env.put("CCP_HEADER_TIMEOUT", "1s");
        env.put("CCP_SSE_IDLE_TIMEOUT", "1s");
        env.put("CCP_JSON_TIMEOUT", "5s");
        env.put("CCP_MAX_BODY", "1MiB");
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env));
        base = "http://127.0.0.1:" + proxy.port();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
        anthropic.close();
        zai.close();
    }

    static AnthropicClient sdk() {
        return AnthropicOkHttpClient.builder().baseUrl(base).apiKey(CLIENT_KEY).maxRetries(0).build();
    }

    static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi")
                .putAdditionalHeader("anthropic-beta", BETA).putAdditionalHeader("anthropic-version", "2023-06-01").build();
    }

    static Path queue() {
        return dir.resolve("logs").resolve("queue");
    }

    /** The events of the one request whose RequestReceived has this model, once its ResponseCompleted is in. */
    static List<Event> eventsFor(String model) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<Event> all = EventReader.all(queue());
            String reqId = all.stream().filter(e -> e instanceof Event.RequestReceived r && model.equals(r.model()))
                    .map(Event::reqId).findFirst().orElse(null);
            if (reqId == null) {
                return null;
            }
            List<Event> mine = all.stream().filter(e -> reqId.equals(e.reqId())).toList();
            return mine.stream().anyMatch(e -> e instanceof Event.ResponseCompleted) ? mine : null;
        }, l -> l != null);
    }

    static <T extends Event> T one(List<Event> events, Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), () -> "expected one " + type.getSimpleName() + " in " + events);
        return found.getFirst();
    }

    static List<FakeProvider.Seen> seenWithModel(FakeProvider fake, String model) {
        return fake.seen().stream().filter(s -> new String(s.body(), StandardCharsets.UTF_8).contains("\"" + model + "\"")).toList();
    }

    static HttpResponse<String> post(String pathAndQuery, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json")
                .header("x-api-key", CLIENT_KEY).header("anthropic-version", "2023-06-01");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void haikuGoesToZaiWithOnlyTheZaiKeyAndTheBetaHeaderUntouched() {
        String model = "claude-3-5-haiku-20241022";
        Message m = sdk().messages().create(params(model));
        assertEquals("Hello from zai", m.content().getFirst().text().orElseThrow().text());

        List<FakeProvider.Seen> atZai = seenWithModel(zai, model);
        assertEquals(1, atZai.size());
        FakeProvider.Seen s = atZai.getFirst();
        assertEquals("/api/anthropic/v1/messages", s.path());
        assertEquals(List.of(ZAI_KEY), s.headers().get("x-api-key"));
        assertNull(s.header("authorization"), "no Authorization header may reach Z.AI");
        assertFalse(s.headers().toString().contains(CLIENT_KEY), "the Anthropic credential must never reach Z.AI");
        assertEquals(BETA, s.header("anthropic-beta"));
        assertEquals("2023-06-01", s.header("anthropic-version"));
        assertTrue(s.headers().keySet().stream().anyMatch(h -> h.startsWith("x-stainless-")), "SDK headers pass through");
        assertTrue(seenWithModel(anthropic, model).isEmpty(), "anthropic must not see a haiku request");

        List<Event> events = eventsFor(model);
        Event.RouteDecided d = one(events, Event.RouteDecided.class);
        assertEquals("model_route", d.decision());
        assertEquals("zai", d.lane());
        assertEquals("x-api-key", d.headerMode());
        Event.RequestReceived r = one(events, Event.RequestReceived.class);
        assertEquals("authorization", r.clientAuth(), "this SDK version sends its key as Authorization: Bearer");
        Event.ResponseCompleted c = one(events, Event.ResponseCompleted.class);
        assertEquals(200, c.status());
        assertEquals("nonstream", c.op());
        assertEquals("ok", c.outcome());
        assertEquals(25, c.inputTokens());
        assertEquals(15, c.outputTokens());
        assertEquals(7, c.cacheReadInputTokens());
        assertEquals(0, c.cacheCreationInputTokens());
        assertEquals("end_turn", c.stopReason());
        assertEquals("h1", c.http());
        assertEquals(1, one(events, Event.UpstreamAttempt.class).attempt());
        assertFalse(events.toString().contains(ZAI_KEY) || events.toString().contains(CLIENT_KEY), "no secret in events");
    }

    @Test
    void sonnetStreamsFromAnthropicWithTheClientsOwnKeyAndUsageFromTheStream() {
        String model = "claude-sonnet-4-5-stream-test";
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = sdk().messages().createStreaming(params(model))) {
            stream.stream().forEach(e -> e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text()))));
        }
        assertEquals("Hello", text.toString());

        FakeProvider.Seen s = seenWithModel(anthropic, model).getFirst();
        assertEquals(List.of("Bearer " + CLIENT_KEY), s.headers().get("authorization"), () -> s.headers().toString());
        assertFalse(s.headers().toString().contains(ZAI_KEY), "the Z.AI key must never reach Anthropic");
        assertEquals(BETA, s.header("anthropic-beta"));
        assertTrue(seenWithModel(zai, model).isEmpty());

        List<Event> events = eventsFor(model);
        Event.RouteDecided d = one(events, Event.RouteDecided.class);
        assertEquals("default_route", d.decision());
        assertEquals("passthrough", d.headerMode());
        Event.ResponseCompleted c = one(events, Event.ResponseCompleted.class);
        assertEquals("stream", c.op());
        assertEquals("ok", c.outcome());
        assertEquals(25, c.inputTokens());
        assertEquals(15, c.outputTokens(), "message_delta usage is cumulative: the last value, not a sum");
        assertEquals(3, c.cacheCreationInputTokens());
        assertEquals(7, c.cacheReadInputTokens());
        assertEquals("end_turn", c.stopReason());
        assertTrue(c.ttfbUs() > 0 && c.ttfbUs() <= c.latencyUs());
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.StreamPartial));
    }

    @Test
    void eachEventReachesTheClientWhileTheProviderIsStillWorking() throws Exception {
        String model = "claude-sonnet-gated";
        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true}"))
                .header("x-api-key", CLIENT_KEY).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = res.body()) {
            StringBuilder first = new StringBuilder();
            while (!first.toString().endsWith("\n\n")) {
                int b = in.read();
                assertTrue(b >= 0, "stream ended early: " + first);
                first.append((char) b);
            }
            // The provider is still held at its gate: this event was flushed on its own.
            assertTrue(first.toString().startsWith("event: message_start\n"), first.toString());
            anthropic.openGate();
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("event: ping") && rest.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), rest);
            assertFalse(rest.contains("event: error"), "the first event came before the 1 s idle timeout could fire");
        }
    }

    @Test
    void queryStringIsKeptAndRateLimitHeadersComeBack() throws Exception {
        String model = "claude-opus-query-test";
        HttpResponse<String> res = post("/v1/messages?beta=true", "{\"model\":\"" + model + "\",\"max_tokens\":5}");
        assertEquals(200, res.statusCode());
        assertEquals("beta=true", seenWithModel(anthropic, model).getFirst().query());
        assertEquals("99", res.headers().firstValue("anthropic-ratelimit-requests-remaining").orElseThrow());
        assertEquals("req_fake_anthropic", res.headers().firstValue("request-id").orElseThrow());
        assertEquals("beta=true", one(eventsFor(model), Event.RequestReceived.class).query());
    }

    @Test
    void aRouteWithUpstreamModelRewritesOnlyTheModelString() throws Exception {
        String model = "claude-rewrite-me";
        String body = "{ \"max_tokens\" : 5,\n  \"model\":\"" + model + "\", \"metadata\": {\"model\": \"keep\"} }";
        HttpResponse<String> res = post("/v1/messages", body);
        assertEquals(200, res.statusCode());
        FakeProvider.Seen s = seenWithModel(zai, "glm-4.5-air").getFirst();
        assertEquals(body.replace(model, "glm-4.5-air"), new String(s.body(), StandardCharsets.UTF_8));
        Event.RouteDecided d = one(eventsFor(model), Event.RouteDecided.class);
        assertEquals(model, d.model());
        assertEquals("glm-4.5-air", d.upstreamModel());
    }

    @Test
    void upstreamConnectionsAreReusedAcrossRequests() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, post("/v1/messages", "{\"model\":\"claude-opus-reuse-" + i + "\",\"max_tokens\":5}").statusCode());
            assertEquals(200, post("/v1/messages", "{\"model\":\"claude-opus-reuse-s" + i + "\",\"stream\":true}").statusCode());
        }
        long connections = anthropic.seen().stream().filter(x -> new String(x.body(), StandardCharsets.UTF_8).contains("reuse-"))
                .map(FakeProvider.Seen::peer).distinct().count();
        assertTrue(connections <= 2, "10 requests over " + connections + " connections: a fully read answer returns its connection to the pool");
    }

    @Test
    void countTokensIsRoutedByModelToo() throws Exception {
        String model = "claude-haiku-count-test";
        HttpResponse<String> res = post("/v1/messages/count_tokens", "{\"model\":\"" + model + "\"}");
        assertEquals(200, res.statusCode());
        assertEquals("{\"input_tokens\":42}", res.body());
        assertEquals("/api/anthropic/v1/messages/count_tokens", seenWithModel(zai, model).getFirst().path());
    }

    @Test
    void otherPathsPassThroughToTheDefaultProvider() throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models?limit=5"))
                .header("x-api-key", CLIENT_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        assertTrue(res.body().contains("\"served_by\":\"anthropic\""));
        FakeProvider.Seen s = anthropic.seen().stream().filter(x -> x.path().equals("/v1/models")).findFirst().orElseThrow();
        assertEquals("limit=5", s.query());
        assertEquals(CLIENT_KEY, s.header("x-api-key"));
    }

    @Test
    void headRequestsPassThroughWithoutABody() throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/api/hello"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        assertEquals("", res.body());
        assertTrue(anthropic.seen().stream().anyMatch(x -> x.method().equals("HEAD") && x.path().equals("/api/hello")));
    }

    @Test
    void upstream500IsRelayedUnmodified() throws Exception {
        String model = "claude-sonnet-error500";
        HttpResponse<String> res = post("/v1/messages", "{\"model\":\"" + model + "\",\"max_tokens\":5}");
        assertEquals(500, res.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"fake anthropic is broken\"}}", res.body());
        Event.ResponseCompleted c = one(eventsFor(model), Event.ResponseCompleted.class);
        assertEquals(500, c.status());
        assertEquals("upstream_error", c.outcome());
        assertEquals("api_error", c.errorType());
    }

    @Test
    void noResponseHeadInTimeIsA504TimeoutError() throws Exception {
        String model = "claude-sonnet-hang-head";
        HttpResponse<String> res = post("/v1/messages", "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":5}");
        assertEquals(504, res.statusCode());
        assertTrue(res.body().contains("\"type\":\"timeout_error\""), res.body());
        assertTrue(res.body().startsWith("{\"type\":\"error\""));
        Event.ResponseCompleted c = one(eventsFor(model), Event.ResponseCompleted.class);
        assertEquals("timeout", c.outcome());
        assertEquals(504, c.status());
    }

    @Test
    void silenceInsideAStreamEndsItWithAnErrorEvent() throws Exception {
        String model = "claude-sonnet-hang-mid";
        HttpResponse<String> res = post("/v1/messages", "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":5}");
        assertEquals(200, res.statusCode());
        assertTrue(res.body().startsWith("event: message_start"), res.body());
        assertTrue(res.body().contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"timeout_error\""), res.body());
        List<Event> events = eventsFor(model);
        assertEquals("timeout", one(events, Event.ResponseCompleted.class).outcome());
        assertTrue(one(events, Event.StreamPartial.class).data().startsWith("event: message_start"));
    }

    @Test
    void unreachableProviderIsA502NamingItWithoutAnyKey() throws Exception {
        String model = "claude-unreachable-haiku";
        HttpResponse<String> res = post("/v1/messages", "{\"model\":\"" + model + "\",\"max_tokens\":5}");
        assertEquals(502, res.statusCode());
        assertTrue(res.body().contains("\"type\":\"api_error\""), res.body());
        assertTrue(res.body().contains("deadend"), res.body());
        assertFalse(res.body().contains(ZAI_KEY) || res.body().contains(CLIENT_KEY));
        List<Event> events = eventsFor(model);
        assertEquals("connect_error", one(events, Event.UpstreamAttempt.class).outcome());
        assertEquals("upstream_error", one(events, Event.ResponseCompleted.class).outcome());
    }

    @Test
    void bodyThatIsNotJsonIsA400WithItsEvents() throws Exception {
        HttpResponse<String> res = post("/v1/messages", "{not json", "user-agent", "malformed-test");
        assertEquals(400, res.statusCode());
        assertTrue(res.body().contains("\"type\":\"invalid_request_error\"") && res.body().contains("not valid JSON"), res.body());
        assertRejectedEvents(res, 400);
    }

    @Test
    void bodyWithoutAStringModelIsA400() throws Exception {
        HttpResponse<String> res = post("/v1/messages", "{\"model\":42,\"max_tokens\":5}");
        assertEquals(400, res.statusCode());
        assertTrue(res.body().contains("model"), res.body());
        assertRejectedEvents(res, 400);
    }

    @Test
    void bodyOverTheLimitIsA413WithItsEvents() throws Exception {
        String big = "{\"model\":\"claude-haiku\",\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        HttpResponse<String> res = post("/v1/messages", big);
        assertEquals(413, res.statusCode());
        assertTrue(res.body().contains("\"type\":\"request_too_large\""), res.body());
        assertRejectedEvents(res, 413);
    }

    private static void assertRejectedEvents(HttpResponse<String> res, int status) {
        String reqId = res.headers().firstValue("x-ccp-request-id").orElseThrow();
        List<Event> events = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(queue(), reqId),
                l -> l.stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
        one(events, Event.RequestReceived.class);
        assertEquals("rejected", one(events, Event.RouteDecided.class).decision());
        assertEquals(status, one(events, Event.ResponseCompleted.class).status());
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.UpstreamAttempt), "nothing went upstream");
    }

    @Test
    void clientAbortMidStreamCancelsUpstreamAndRecordsAPartial() throws Exception {
        String model = "claude-sonnet-endless";
        int closedBefore = anthropic.closedByPeer();
        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":5}"))
                .header("x-api-key", CLIENT_KEY).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        InputStream in = res.body();
        assertTrue(in.readNBytes(4096).length == 4096);
        in.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> anthropic.closedByPeer() > closedBefore);
        List<Event> events = eventsFor(model);
        assertEquals("client_abort", one(events, Event.ResponseCompleted.class).outcome());
        Event.StreamPartial p = one(events, Event.StreamPartial.class);
        assertTrue(p.bytesRelayed() >= 4096);
        assertTrue(p.data().startsWith("event: message_start"));
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"ok\""));
        post("/v1/messages", "{\"model\":\"claude-haiku-metrics\",\"max_tokens\":5}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("ccp_requests_total{lane=\"zai\",op=\"nonstream\",status=\"200\"}"), metrics);
            assertTrue(metrics.contains("ccp_tokens_total{kind=\"input\",lane=\"zai\"}"), metrics);
            assertTrue(metrics.contains("ccp_inflight_requests"));
            assertTrue(metrics.contains("ccp_request_duration_seconds_bucket"));
            assertTrue(metrics.contains("ccp_time_to_first_byte_seconds_bucket"));
            assertTrue(metrics.contains("ccp_event_log_appends_total"));
            assertTrue(metrics.contains("ccp_event_log_append_errors_total"));
            assertFalse(metrics.contains(ZAI_KEY) || metrics.contains(CLIENT_KEY));
        });
    }
}
