package dev.ccp.proxy.http;

import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.proxy.testing.OneProviderCatalog;
import dev.ccp.proxy.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream request line carries the client's raw path and query exactly as received; a path
 * that is not normalised is refused, never normalised into another route; a credential in the
 * query goes to the provider as sent and never into the log.
 */
class ByteForByteForwardingTest {
    @TempDir
    static Path dir;
    static FakeProvider anthropic;
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        anthropic = new FakeProvider("anthropic", "", false);
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, anthropic.baseUrl()).toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString())));
    }

    @AfterAll
    static void stop() {
        proxy.stop("test");
        anthropic.close();
    }

    private static FakeProvider.Seen seenWithModel(String model) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> anthropic.seen().stream()
                .filter(s -> new String(s.body()).contains(model)).findFirst().orElse(null), s -> s != null);
    }

    @Test
    void theProviderSeesTheQueryExactlyAsTheClientSentIt() throws Exception {
        List<String> queries = List.of("x=a+b", "x=a%20b", "x=a%2Bb", "x=a%26y%3Dz", "b=2&a=1&b=3", "beta=true");
        for (int i = 0; i < queries.size(); i++) {
            String model = "claude-sonnet-query-" + i;
            RawHttp.Answer a = RawHttp.exchange(proxy.port(), RawHttp.post("/v1/messages?" + queries.get(i),
                    "{\"model\":\"" + model + "\",\"max_tokens\":5}"));
            assertEquals(200, a.status(), a.text());
            FakeProvider.Seen seen = seenWithModel(model);
            assertEquals("/v1/messages", seen.path());
            assertEquals(queries.get(i), seen.query(), "query " + i);
        }
        RawHttp.Answer models = RawHttp.exchange(proxy.port(),
                "GET /v1/models?limit=2&after_id=a%2Fb HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(200, models.status(), models.text());
        assertTrue(anthropic.seen().stream().anyMatch(s -> s.path().equals("/v1/models") && "limit=2&after_id=a%2Fb".equals(s.query())),
                () -> anthropic.seen().toString());
    }

    @Test
    void aPathThatIsNotNormalisedIsRefusedAndNothingGoesUpstream() throws Exception {
        int before = anthropic.seen().size();
        for (String path : List.of("/v1/%2e%2e/admin/state", "/v1/../admin/state", "//v1/messages", "/v1/./messages",
                "/v1/%2E%2e%2Fadmin/state")) {
            RawHttp.Answer a = RawHttp.exchange(proxy.port(), RawHttp.post(path, "{\"model\":\"claude-sonnet-bad-path\"}"));
            assertEquals(400, a.status(), path + ": " + a.text());
            assertTrue(a.body().contains("\"type\":\"invalid_request_error\""), a.body());
            assertTrue(a.body().startsWith("{\"type\":\"error\""), a.body());
        }
        assertEquals(before, anthropic.seen().size(), "no request reached the provider");
        List<Event.ResponseCompleted> refused = await().atMost(Duration.ofSeconds(10)).until(
                () -> EventReader.all(dir.resolve("logs/queue")).stream()
                        .filter(e -> e instanceof Event.ResponseCompleted c && c.status() == 400)
                        .map(Event.ResponseCompleted.class::cast).toList(), l -> l.size() >= 5);
        assertTrue(refused.stream().allMatch(c -> c.outcome().equals("proxy_error") && c.errorType().equals("invalid_request_error")));
    }

    @Test
    void aKeyInTheQueryReachesTheProviderButNeverTheLog() throws Exception {
        String secret = "sk-query-secret-98765";
        String query = "key=" + secret + "&x=1&api_key=" + secret + "2&Token=" + secret + "3";
        String model = "claude-sonnet-query-key";
        RawHttp.Answer a = RawHttp.exchange(proxy.port(), RawHttp.post("/v1/messages?" + query,
                "{\"model\":\"" + model + "\",\"max_tokens\":5}"));
        assertEquals(200, a.status(), a.text());
        assertEquals(query, seenWithModel(model).query(), "forwarded as is");
        List<Event> events = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(dir.resolve("logs/queue")),
                l -> l.stream().anyMatch(e -> e instanceof Event.RequestReceived r && model.equals(r.model())));
        String reqId = events.stream().filter(e -> e instanceof Event.RequestReceived r && model.equals(r.model()))
                .findFirst().orElseThrow().reqId();
        List<Event> mine = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(dir.resolve("logs/queue"), reqId),
                l -> l.stream().anyMatch(e -> e instanceof Event.ResponseCompleted));
        assertFalse(mine.toString().contains(secret), () -> "a query credential in the log: " + mine);
        Event.RequestReceived received = (Event.RequestReceived) mine.stream().filter(e -> e instanceof Event.RequestReceived).findFirst().orElseThrow();
        assertEquals("key=REDACTED&x=1&api_key=REDACTED&Token=REDACTED", received.query());
    }
}
