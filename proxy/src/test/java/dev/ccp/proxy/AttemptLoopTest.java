package dev.ccp.proxy;

import dev.ccp.testkit.TwoLaneCatalog;

import dev.ccp.events.Decision;
import dev.ccp.events.Event;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import dev.ccp.proxy.upstream.AttemptPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attempt loop's hook: a policy that reroutes a failed first attempt, as quota/limit features will. */
class AttemptLoopTest {
    @TempDir
    Path dir;

    @Test
    void aReroutedAttemptIsRecordedAndCarriesOnlyTheNewProvidersCredential() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true)) {
            Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
            Map<String, String> env = new java.util.HashMap<>(TestLicenses.licensed(dir));
            env.putAll(Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(), "CCP_PROVIDERS_FILE", catalog.toString(),
                    "ZAI_API_KEY", "zai-key-7"));
            ProxyConfig config = ProxyConfig.from(new String[]{"--port", "0"}, env);
            try (ProxyServer proxy = ProxyServer.start(config, InstantSource.system(), ctx -> ctx.toBuilder().attemptPolicy(a -> {
                if (a.status() == 500 && a.decision().provider().name().equals("zai")) {
                    assertTrue(new String(a.errorBody()).contains("fake zai is broken"), "the policy sees the error body");
                    return new AttemptPolicy.Next.Retry(a.decision()
                            .reroute(Decision.REROUTED_ON_LIMIT, ctx.policy().catalog().defaultProviderEntry(), "zai failed")
                            .withUpstreamModel("claude-sonnet-fallback"), Duration.ZERO, dev.ccp.events.AttemptOutcome.REROUTED);
                }
                return AttemptPolicy.Next.DELIVER;
            }).build())) {
                HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                                .header("x-api-key", "sk-ant-client-5")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-haiku-error500\",\"max_tokens\":5}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, res.statusCode(), res.body());
                assertTrue(res.body().contains("Hello from anthropic"));

                FakeProvider.Seen atZai = zai.seen().getFirst();
                assertEquals("zai-key-7", atZai.header("x-api-key"));
                assertFalse(atZai.headers().toString().contains("sk-ant-client-5"));
                FakeProvider.Seen atAnthropic = anthropic.seen().getFirst();
                assertEquals("sk-ant-client-5", atAnthropic.header("x-api-key"));
                assertNull(atAnthropic.header("authorization"));
                assertFalse(atAnthropic.headers().toString().contains("zai-key-7"));
                assertTrue(new String(atAnthropic.body()).contains("claude-sonnet-fallback"));

                String reqId = res.headers().firstValue("x-ccp-request-id").orElseThrow();
                List<Event> events = await().atMost(Duration.ofSeconds(10))
                        .until(() -> EventReader.forRequest(dir.resolve("logs/queue"), reqId),
                                l -> l.stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
                List<Event.RouteDecided> decisions = events.stream().filter(e -> e instanceof Event.RouteDecided)
                        .map(Event.RouteDecided.class::cast).toList();
                assertEquals(List.of("model_route", "rerouted_on_limit"), decisions.stream().map(Event.RouteDecided::decision).toList());
                List<Event.UpstreamAttempt> attempts = events.stream().filter(e -> e instanceof Event.UpstreamAttempt)
                        .map(Event.UpstreamAttempt.class::cast).toList();
                assertEquals(2, attempts.size());
                assertEquals("zai", attempts.get(0).provider());
                assertEquals(500, attempts.get(0).status());
                assertEquals("rerouted", attempts.get(0).outcome());
                assertEquals("anthropic", attempts.get(1).provider());
                assertEquals(2, attempts.get(1).attempt());
                assertEquals("response", attempts.get(1).outcome());
            }
        }
    }
}
