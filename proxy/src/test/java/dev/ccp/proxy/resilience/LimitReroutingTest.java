package dev.ccp.proxy.resilience;

import dev.ccp.testkit.TestLicenses;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.policy.quota.QuotaConfig;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limit answers from real loopback providers, driven through the running proxy: who finally serves
 * the client, with which decision, which attempt events and counters, and which credentials went where.
 */
class LimitReroutingTest {
    private static final String ZAI_KEY = "zai-secret-key-123";
    private static final String CLIENT_KEY = "sk-ant-client-credential-9";
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    ScriptedProvider anthropic;
    ScriptedProvider zai;
    ProxyServer proxy;
    final List<Duration> waits = new CopyOnWriteArrayList<>();
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

    private void start(Map<String, String> extraEnv) throws Exception {
        Path catalog = dir.resolve("providers.yaml");
        Files.writeString(catalog, """
                providers:
                  anthropic: { base_url: %s, auth: passthrough }
                  zai: { base_url: %s, auth_env: ZAI_API_KEY }
                routes: [ { match: haiku, provider: zai } ]
                default_provider: anthropic
                """.formatted(anthropic.baseUrl(), zai.baseUrl()));
        Map<String, String> env = new HashMap<>(Map.of("CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", catalog.toString(), "ZAI_API_KEY", ZAI_KEY,
                "CCP_QUOTAS_FILE", dir.resolve("no-quotas.yaml").toString()));
        Files.writeString(dir.resolve("no-quotas.yaml"), "quotas: []\n");
        env.putAll(TestLicenses.licensed(dir));
        env.putAll(extraEnv);
        ProxyConfig config = ProxyConfig.from(new String[]{"--port", "0"}, env);
        InstantSource clock = InstantSource.fixed(NOW);
        proxy = ProxyServer.start(config, clock, ctx -> ctx.toBuilder().attemptPolicy(new LimitPolicy(ctx.policy()::catalog,
                () -> QuotaConfig.NONE, env::get, Backoff.fromEnv(env), waits::add, RandomGenerator.getDefault(), clock,
                new ResilienceMetrics(ctx.metrics().registry()))).build());
    }

    private HttpResponse<String> post(String model, boolean stream) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages?beta=true"))
                        .header("x-api-key", CLIENT_KEY).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":5,\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<Event> events(HttpResponse<?> res) {
        String reqId = res.headers().firstValue("x-ccp-request-id").orElseThrow();
        return await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(dir.resolve("logs/queue"), reqId),
                l -> l.stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
    }

    private static List<String> decisions(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.RouteDecided).map(e -> ((Event.RouteDecided) e).decision()).toList();
    }

    private static List<String> attempts(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.UpstreamAttempt).map(Event.UpstreamAttempt.class::cast)
                .map(a -> a.attempt() + ":" + a.provider() + ":" + a.status() + ":" + a.outcome()).toList();
    }

    private double metric(String name, String... labels) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(text);
        while (m.find()) {
            String l = m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= l.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private void assertCredentialsKeptApart() {
        for (FakeProvider.Seen s : zai.seen()) {
            assertEquals(ZAI_KEY, s.header("x-api-key"));
            assertFalse(s.headers().toString().contains(CLIENT_KEY), "the client's Anthropic credential reached Z.AI");
        }
        for (FakeProvider.Seen s : anthropic.seen()) {
            String credential = s.header("x-api-key") != null ? s.header("x-api-key") : s.header("authorization");
            assertTrue(credential != null && credential.endsWith(CLIENT_KEY), "Anthropic gets the client's own credential: " + credential);
            assertFalse(s.headers().toString().contains(ZAI_KEY), "the Z.AI key reached Anthropic");
        }
    }

    @Test
    void aZai429IsServedByAnthropicAsReroutedOnLimitAndTheCountersMove() throws Exception {
        start(Map.of());
        zai.thenAnswer(429, Map.of("retry-after", "30"),
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");

        HttpResponse<String> res = post("claude-3-5-haiku-20241022", true);

        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.body().contains("Hello from anthropic"), res.body());
        List<Event> events = events(res);
        assertEquals(List.of("model_route", "rerouted_on_limit"), decisions(events));
        assertEquals(List.of("1:zai:429:rerouted", "2:anthropic:200:response"), attempts(events));
        assertCredentialsKeptApart();
        assertEquals(1, zai.seen().size());
        assertTrue(waits.isEmpty(), "without MITM_ENABLE_BACKOFF nothing waits");
        assertEquals(1.0, metric("ccp_preferred_attempt_total", "provider=\"zai\""));
        assertEquals(1.0, metric("ccp_rerouted_on_limit_total", "from=\"zai\"", "to=\"anthropic\"", "reason=\"429\""));
        assertTrue(metric("ccp_wasted_retry_ms_total", "provider=\"zai\"") > 0, "time of the failed attempt is counted");
    }

    @Test
    void a529AndAZaiInsufficientBalanceBodyAreReroutedToo() throws Exception {
        start(Map.of());
        zai.thenAnswer(529, Map.of(), "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}");
        zai.thenAnswer(400, Map.of(), "{\"error\":{\"type\":\"1113\",\"message\":\"Insufficient balance or no resource package\"}}");

        HttpResponse<String> overloaded = post("claude-haiku-4-5", false);
        HttpResponse<String> broke = post("claude-haiku-4-5", false);

        assertEquals(200, overloaded.statusCode(), overloaded.body());
        assertTrue(overloaded.body().contains("Hello from anthropic"));
        assertEquals(200, broke.statusCode(), broke.body());
        assertTrue(broke.body().contains("Hello from anthropic"));
        assertEquals(List.of("1:zai:529:rerouted", "2:anthropic:200:response"), attempts(events(overloaded)));
        assertEquals(List.of("model_route", "rerouted_on_limit"), decisions(events(broke)));
        assertEquals(1.0, metric("ccp_rerouted_on_limit_total", "reason=\"529\""));
        assertEquals(1.0, metric("ccp_rerouted_on_limit_total", "reason=\"1113\""));
        assertCredentialsKeptApart();
    }

    @Test
    void withBackoffTheSameProviderIsRetriedAfterItsRetryAfterAndServesTheRequest() throws Exception {
        start(Map.of("MITM_ENABLE_BACKOFF", "1"));
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(7).atZone(ZoneOffset.UTC));
        zai.thenAnswer(429, Map.of("retry-after", "2"), "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"a\"}}");
        zai.thenAnswer(429, Map.of("retry-after", inTwoMinutes), "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"b\"}}");

        HttpResponse<String> res = post("claude-3-5-haiku-20241022", true);

        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.body().contains("Hello from zai"), res.body());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(7)), waits, "retry-after in seconds and as an HTTP date");
        List<Event> events = events(res);
        assertEquals(List.of("model_route"), decisions(events));
        assertEquals(List.of("1:zai:429:retried", "2:zai:429:retried", "3:zai:200:response"), attempts(events));
        assertTrue(anthropic.seen().isEmpty());
        assertEquals(3.0, metric("ccp_preferred_attempt_total", "provider=\"zai\""));
        assertEquals(2.0, metric("ccp_backoff_retries_total", "provider=\"zai\""));
    }

    @Test
    void withBackoffRetriesAreBoundedThenTheRequestMovesToTheFallback() throws Exception {
        start(Map.of("MITM_ENABLE_BACKOFF", "1", "CCP_BACKOFF_RETRIES", "2", "CCP_BACKOFF_BASE", "100ms"));
        for (int i = 0; i < 3; i++) {
            zai.thenAnswer(429, Map.of("anthropic-ratelimit-requests-remaining", "0"),
                    "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"limited\"}}");
        }

        HttpResponse<String> res = post("claude-3-5-haiku-20241022", false);

        assertTrue(res.body().contains("Hello from anthropic"), res.body());
        assertEquals(List.of("1:zai:429:retried", "2:zai:429:retried", "3:zai:429:rerouted", "4:anthropic:200:response"),
                attempts(events(res)));
        assertEquals(2, waits.size());
        assertTrue(waits.get(0).compareTo(Duration.ofMillis(50)) >= 0 && waits.get(0).compareTo(Duration.ofMillis(100)) < 0,
                "first wait is the base with jitter: " + waits);
        assertTrue(waits.get(1).compareTo(Duration.ofMillis(100)) >= 0 && waits.get(1).compareTo(Duration.ofMillis(200)) < 0,
                "second wait doubles: " + waits);
    }

    @Test
    void withBackoffABare429IsAboutTheRequestAndIsNotRetried() throws Exception {
        start(Map.of("MITM_ENABLE_BACKOFF", "1"));
        zai.thenAnswer(429, Map.of(), "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"too big\"}}");

        HttpResponse<String> res = post("claude-3-5-haiku-20241022", false);

        assertTrue(res.body().contains("Hello from anthropic"), res.body());
        assertTrue(waits.isEmpty(), "no wait for a 429 without retry-after or anthropic-ratelimit-* headers");
        assertEquals(List.of("1:zai:429:rerouted", "2:anthropic:200:response"), attempts(events(res)));
    }

    @Test
    void withoutAFallbackThe429GoesBackToTheClientUnchanged() throws Exception {
        start(Map.of());
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}";
        anthropic.thenAnswer(429, Map.of("retry-after", "12"), body);

        HttpResponse<String> res = post("claude-sonnet-4-5", false);

        assertEquals(429, res.statusCode());
        assertEquals(body, res.body());
        assertEquals("12", res.headers().firstValue("retry-after").orElse(null));
        List<Event> events = events(res);
        assertEquals(List.of("default_route"), decisions(events));
        assertEquals(List.of("1:anthropic:429:response"), attempts(events));
        assertTrue(zai.seen().isEmpty(), "the default provider has no fallback unless the quotas file names one");
    }

    @Test
    void aZai401IsServedByAnthropicWithTheClientsOwnCredentials() throws Exception {
        start(Map.of());
        zai.thenAnswer(401, Map.of(), "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid key\"}}");
        AnthropicClient client = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + proxy.port()).apiKey(CLIENT_KEY).maxRetries(0).build();

        Message answer = client.messages().create(MessageCreateParams.builder()
                .model("claude-3-5-haiku-20241022").maxTokens(5).addUserMessage("hi").build());

        assertTrue(answer.content().getFirst().text().orElseThrow().text().contains("Hello from anthropic"));
        assertCredentialsKeptApart();
        assertEquals(1, zai.seen().size());
        assertEquals(1.0, metric("ccp_fallback_401_total", "provider=\"zai\""));
        Unauthorized last = ((LimitPolicy) proxy.context().attemptPolicy()).lastUnauthorized().orElseThrow();
        assertEquals("zai", last.provider());
        assertEquals("authentication_error", last.errorType());
        List<Event> all = EventReader.all(dir.resolve("logs/queue"));
        await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(dir.resolve("logs/queue")).stream()
                .anyMatch(e -> e instanceof Event.RouteDecided d && d.decision().equals("fallback_401")));
        assertFalse(all.toString().contains(ZAI_KEY) || all.toString().contains(CLIENT_KEY), "no credential in any event");
    }

    @Test
    void anOverloadInsideAStreamThatAlreadyReachedTheClientIsNotRetried() throws Exception {
        start(Map.of("MITM_ENABLE_BACKOFF", "1"));
        zai.thenAnswer(200, Map.of("content-type", "text/event-stream"),
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":3}}}\n\n"
                        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");

        HttpResponse<String> res = post("claude-3-5-haiku-20241022", true);

        assertEquals(200, res.statusCode());
        assertTrue(res.body().contains("overloaded_error"), res.body());
        assertEquals(List.of("1:zai:200:response"), attempts(events(res)));
        assertTrue(anthropic.seen().isEmpty(), "bytes had reached the client: nothing is retried");
        assertTrue(waits.isEmpty());
    }
}
