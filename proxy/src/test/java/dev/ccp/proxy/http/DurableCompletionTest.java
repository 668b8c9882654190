package dev.ccp.proxy.http;

import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.events.EventSink;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.proxy.testing.OneProviderCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client never sees the end of an answer before the request's ResponseCompleted is in the log:
 * with the log made to hold the completion back, the client has not got the end; once the log takes
 * it, the client gets the rest.
 */
class DurableCompletionTest {
    @TempDir
    Path dir;
    FakeProvider anthropic;
    ProxyServer proxy;
    final CountDownLatch logTakesIt = new CountDownLatch(1);
    final AtomicReference<Event.ResponseCompleted> held = new AtomicReference<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    /** The proxy's sink, except that the wait for a completion lasts until the test lets the log take it. */
    private EventSink holdingCompletions(EventSink real) {
        return new EventSink() {
            @Override
            public void offer(Event event) {
                real.offer(event);
            }

            @Override
            public boolean offerAndWait(Event event) {
                if (event instanceof Event.ResponseCompleted c) {
                    held.set(c);
                    try {
                        logTakesIt.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return real.offerAndWait(event);
            }
        };
    }

    private void start() {
        anthropic = new FakeProvider("anthropic", "", false);
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, anthropic.baseUrl()).toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString())), InstantSource.system(),
                ctx -> ctx.toBuilder().events(holdingCompletions(ctx.events())).build());
    }

    @AfterEach
    void stop() {
        logTakesIt.countDown();
        if (proxy != null) {
            proxy.stop("test");
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    /** Reads the whole answer on the side, keeping what has arrived so far in {@link #received}. */
    private CompletableFuture<Integer> send(String body) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                        .header("x-api-key", "sk-ant-durable").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = res.body()) {
                    byte[] buf = new byte[256];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        synchronized (received) {
                            received.write(buf, 0, n);
                        }
                    }
                }
                return res.statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String receivedSoFar() {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStreamsMessageStopReachesTheClientOnlyAfterItsCompletionIsInTheLog() throws Exception {
        start();
        CompletableFuture<Integer> answer = send("{\"model\":\"claude-sonnet-durable\",\"stream\":true,\"max_tokens\":5}");
        await().atMost(Duration.ofSeconds(10)).until(() -> held.get() != null);
        assertEquals("ok", held.get().outcome());
        assertEquals(15, held.get().outputTokens(), "the usage of message_delta is in the completion");
        assertFalse(answer.isDone(), "the client must not see the end of the answer yet");
        assertFalse(receivedSoFar().contains("message_stop"), receivedSoFar());

        logTakesIt.countDown();
        assertEquals(200, answer.get(10, TimeUnit.SECONDS));
        assertTrue(receivedSoFar().endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), receivedSoFar());
    }

    @Test
    void aJsonAnswerReachesTheClientOnlyAfterItsCompletionIsInTheLog() throws Exception {
        start();
        CompletableFuture<Integer> answer = send("{\"model\":\"claude-sonnet-durable-json\",\"max_tokens\":5}");
        await().atMost(Duration.ofSeconds(10)).until(() -> held.get() != null);
        assertEquals(200, held.get().status());
        assertFalse(answer.isDone());
        assertEquals("", receivedSoFar());

        logTakesIt.countDown();
        assertEquals(200, answer.get(10, TimeUnit.SECONDS));
        assertTrue(receivedSoFar().contains("Hello from anthropic"), receivedSoFar());
    }

    @Test
    void theProxysOwnErrorAnswerReachesTheClientOnlyAfterItsCompletionIsInTheLog() throws Exception {
        start();
        CompletableFuture<Integer> answer = send("{\"max_tokens\":5}");
        await().atMost(Duration.ofSeconds(10)).until(() -> held.get() != null);
        assertEquals(400, held.get().status());
        assertFalse(answer.isDone());

        logTakesIt.countDown();
        assertEquals(400, answer.get(10, TimeUnit.SECONDS));
        assertTrue(receivedSoFar().contains("invalid_request_error"), receivedSoFar());
    }
}
