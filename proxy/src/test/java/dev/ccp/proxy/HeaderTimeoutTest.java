package dev.ccp.proxy;

import dev.ccp.events.Event;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.proxy.testing.OneProviderCatalog;
import dev.ccp.testkit.FakeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CCP_HEADER_TIMEOUT shorter than CCP_SSE_IDLE_TIMEOUT, as by default: the head has its own, shorter deadline. */
class HeaderTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aStreamWhoseHeadIsLateGetsA504AndTheNextStreamIsServed() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false)) {
            Path catalog = OneProviderCatalog.write(dir, anthropic.baseUrl());
            ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(),
                    "CCP_PROVIDERS_FILE", catalog.toString(),
                    "CCP_HEADER_TIMEOUT", "1s",
                    "CCP_SSE_IDLE_TIMEOUT", "60s")));
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages");
                HttpResponse<String> late = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-hang-head\",\"stream\":true}"))
                        .header("x-api-key", "sk-ant-client").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(504, late.statusCode());
                assertTrue(late.body().contains("\"type\":\"timeout_error\"")
                        && late.body().contains("provider anthropic sent no response head within 1000 ms"), late.body());

                HttpResponse<String> next = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4\",\"stream\":true}"))
                        .header("x-api-key", "sk-ant-client").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, next.statusCode());
                assertTrue(next.body().contains("event: message_stop"), next.body());

                List<Event.ResponseCompleted> done = await().atMost(Duration.ofSeconds(10)).until(
                        () -> EventReader.all(dir.resolve("logs").resolve("queue")).stream()
                                .filter(e -> e instanceof Event.ResponseCompleted).map(Event.ResponseCompleted.class::cast).toList(),
                        l -> l.size() == 2);
                assertEquals(List.of("timeout", "ok"), done.stream().map(Event.ResponseCompleted::outcome).toList());
                assertEquals(List.of(504, 200), done.stream().map(Event.ResponseCompleted::status).toList());
                assertEquals(List.of("h1", "h1"), done.stream().map(Event.ResponseCompleted::http).toList(),
                        "a plain http provider is spoken to in HTTP/1.1, head or no head");
            } finally {
                proxy.stop("test");
            }
        }
    }

    @Test
    void aHeaderTimeoutLongerThanTheIdleTimeoutIsHonouredNotCutToIt() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false)) {
            ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(),
                    "CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, anthropic.baseUrl()).toString(),
                    "CCP_HEADER_TIMEOUT", "10s",
                    "CCP_SSE_IDLE_TIMEOUT", "1s")));
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                // The head comes after 1.5 s: within the 10 s header timeout, past the 1 s idle timeout.
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-slow-head-1500\",\"stream\":true}"))
                        .header("x-api-key", "sk-ant-client").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, res.statusCode(), res.body());
                assertTrue(res.body().contains("event: message_stop"), res.body());
            } finally {
                proxy.stop("test");
            }
        }
    }
}
