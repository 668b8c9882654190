package dev.ccp.e2e;

import dev.ccp.cli.CcRunner;
import dev.ccp.cli.support.Projections;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.ProxyProcess;
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
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes end to end: a fake Anthropic reports its 5-hour window on an answer, the proxy records
 * it, the projector projects it, and {@code cc status} shows it.
 */
class StatusFromFakeAnthropicTest {
    @TempDir
    Path root;

    private static boolean attemptWithWindowLogged(Path queue) {
        try (EventLog log = EventLog.open(queue); EventTailer t = log.fromStart()) {
            LogEntry e;
            while ((e = t.next()) != null) {
                if (e instanceof LogEntry.Read read && read.event() instanceof Event.UpstreamAttempt a && a.rateLimit() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void cc_status_shows_the_5_hour_utilisation_a_fake_anthropic_sent() throws Exception {
        long reset = Instant.now().getEpochSecond() + 3_600;
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false)
                .answerWith("anthropic-ratelimit-unified-5h-utilization", "0.87")
                .answerWith("anthropic-ratelimit-unified-5h-status", "allowed")
                .answerWith("anthropic-ratelimit-unified-5h-reset", Long.toString(reset))) {
            Path catalog = root.resolve("providers.yaml");
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                    routes: []
                    default_provider: anthropic
                    """.formatted(anthropic.baseUrl()));
            try (ProxyProcess proxy = ProxyProcess.start(root, Map.of("CCP_PROVIDERS_FILE", catalog.toString()))) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                        .header("x-api-key", "sk-ant-e2e-666").header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                await().atMost(Duration.ofSeconds(30)).until(() -> attemptWithWindowLogged(root.resolve("logs").resolve("queue")));
            }
            CcRunner cc = new CcRunner(root, InstantSource.system());
            Projections.catchUp(cc.context(), Set.of("sqlite"));
            CcRunner.Result status = cc.run("status");
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.out().lines().anyMatch(l -> l.startsWith("anthropic window (cred_")
                    && l.contains("5h 87% allowed, resets " + Instant.ofEpochSecond(reset))), status.out());
            assertTrue(!status.out().contains("sk-ant-e2e-666"), "the key is never shown");
        }
    }
}
