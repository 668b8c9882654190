package dev.ccp.proxy.streaming;

import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.proxy.testing.OneProviderCatalog;
import dev.ccp.testkit.FakeProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fake Anthropic splits its cache writes into 5-minute and 1-hour ones; the completion records the 1-hour part. */
class CacheWriteSplitRecordingTest {
    @TempDir
    Path dir;
    FakeProvider anthropic;
    ProxyServer proxy;

    @BeforeEach
    void start() {
        anthropic = new FakeProvider("anthropic", "", false);
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, anthropic.baseUrl()).toString(),
                "HOME", dir.toString())));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
        anthropic.close();
    }

    private Event.ResponseCompleted completion(boolean stream) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .header("x-api-key", "sk-ant-test").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String reqId = r.headers().firstValue("x-ccp-request-id").orElseThrow();
        Path queue = dir.resolve("logs").resolve("queue");
        return await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.forRequest(queue, reqId).stream()
                .filter(e -> e instanceof Event.ResponseCompleted).map(e -> (Event.ResponseCompleted) e).findFirst().orElse(null),
                Objects::nonNull);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void the_1_hour_cache_writes_are_recorded_beside_all_the_cache_writes(boolean stream) throws Exception {
        anthropic.withOneHourCacheWrites();
        Event.ResponseCompleted c = completion(stream);
        assertEquals(3, c.cacheCreationInputTokens());
        assertEquals(2L, c.cacheCreation1hInputTokens());
        assertTrue(EventCodec.encodeToString(c).contains("\"cache_creation_1h_input_tokens\":2"));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void without_a_split_the_field_is_left_out_and_every_write_reads_as_5_minute(boolean stream) throws Exception {
        Event.ResponseCompleted c = completion(stream);
        assertEquals(3, c.cacheCreationInputTokens());
        assertEquals(0, c.cacheWrite1hTokens());
        assertFalse(EventCodec.encodeToString(c).contains("cache_creation_1h"), "an event without a split is written as before");
    }
}
