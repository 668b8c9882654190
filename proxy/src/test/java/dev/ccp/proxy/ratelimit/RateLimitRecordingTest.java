package dev.ccp.proxy.ratelimit;

import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.proxy.testing.OneProviderCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fake Anthropic answers with its plan-window headers; the attempt's event records their values, never the key. */
class RateLimitRecordingTest {
    static final String CLIENT_KEY = "sk-ant-oat01-client-secret-333";
    @TempDir
    Path dir;
    FakeProvider anthropic;
    ProxyServer proxy;

    @BeforeEach
    void start() {
        anthropic = new FakeProvider("anthropic", "", false);
        Path catalog = OneProviderCatalog.write(dir, anthropic.baseUrl());
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", catalog.toString(),
                "HOME", dir.toString())));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
        anthropic.close();
    }

    private String send(String project) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .header("x-api-key", CLIENT_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (project != null) {
            b.header("x-ccp-project", project);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.headers().firstValue("x-ccp-request-id").orElseThrow();
    }

    @Test
    void the_5h_and_7d_windows_an_answer_reports_are_in_the_attempt_event_with_a_fingerprint_of_the_key() throws Exception {
        anthropic.answerWith("anthropic-ratelimit-unified-5h-utilization", "0.93")
                .answerWith("anthropic-ratelimit-unified-5h-status", "allowed_warning")
                .answerWith("anthropic-ratelimit-unified-5h-reset", "1764590400")
                .answerWith("anthropic-ratelimit-unified-7d-utilization", "0.41")
                .answerWith("anthropic-ratelimit-unified-7d-reset", "not-a-time");
        String reqId = send("ccp");
        Path queue = dir.resolve("logs").resolve("queue");
        Event.UpstreamAttempt a = await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(queue, reqId).stream()
                .filter(e -> e instanceof Event.UpstreamAttempt).map(e -> (Event.UpstreamAttempt) e).findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertEquals(0.93, a.rateLimit().fiveHour().utilization());
        assertEquals("allowed_warning", a.rateLimit().fiveHour().status());
        assertEquals(1764590400L, a.rateLimit().fiveHour().resetS());
        assertEquals(0.41, a.rateLimit().sevenDay().utilization());
        assertEquals(1, a.rateLimit().malformed(), "the unreadable 7d reset is counted");
        assertEquals(99L, a.rateLimit().requests().remaining());
        assertEquals(CredentialFingerprint.of(CLIENT_KEY, null), a.credential());
        Event.RequestReceived received = (Event.RequestReceived) EventReader.forRequest(queue, reqId).getFirst();
        assertEquals("ccp", received.project());

        byte[] everything = Files.readAllBytes(Files.list(queue).filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow());
        assertFalse(new String(everything, StandardCharsets.ISO_8859_1).contains(CLIENT_KEY), "the key never reaches the log");
        assertTrue(proxy.context().metrics().scrape().contains("ccp_ratelimit_headers_malformed_total{provider=\"anthropic\"} 1.0"),
                "malformed headers are counted on /metrics");
    }
}
