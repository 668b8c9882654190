package dev.ccp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.ccp.events.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake provider speaking the Anthropic Messages API over real HTTP on loopback, SSE included
 * (message_start, content_block_*, ping, message_delta with cumulative usage, message_stop), under an
 * optional path prefix (Z.AI serves it under {@code /api/anthropic}). What it answers depends on the
 * request's model:
 * <ul>
 *   <li>{@code error500}: a 500 with an Anthropic error body</li>
 *   <li>{@code hang-head}: never answers (until the test ends)</li>
 *   <li>{@code slow-head-MS}: answers normally after MS milliseconds (a provider slow to start its answer)</li>
 *   <li>{@code hang-mid}: streams message_start, then goes silent</li>
 *   <li>{@code gated}: streams message_start, then waits for {@link #openGate()}</li>
 *   <li>{@code endless}: streams content deltas until the connection is closed</li>
 *   <li>{@code big-N}: streams about N MiB of content deltas generated on the fly</li>
 * </ul>
 */
public final class FakeProvider implements AutoCloseable {
    private static final ObjectMapper JSON = Json.MAPPER;

    /** A request as the fake saw it. Header names are lower case. */
    public record Seen(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                       String protocolVersion, String peer) {
        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    private final String name;
    private final String prefix;
    private final boolean zaiFlavour;
    private final WebServer server;
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private volatile boolean countTokens = true;
    private volatile boolean oneHourCacheWrites;
    private final Map<String, String> answerHeaders = new java.util.concurrent.ConcurrentHashMap<>();

    public FakeProvider(String name, String prefix, boolean zaiFlavour) {
        this(name, prefix, zaiFlavour, null);
    }

    /** @param tls when set, the fake serves HTTPS and offers HTTP/2 through ALPN */
    public FakeProvider(String name, String prefix, boolean zaiFlavour, javax.net.ssl.SSLContext tls) {
        this.name = name;
        this.prefix = prefix;
        this.zaiFlavour = zaiFlavour;
        var builder = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .connectionOptions(so -> so.tcpNoDelay(true));
        if (tls != null) {
            builder.tls(t -> t.sslContext(tls));
        }
        this.server = builder.routing(r -> r.any(this::handle)).build().start();
        this.scheme = tls == null ? "http" : "https";
    }

    private final String scheme;

    public String baseUrl() {
        return scheme + "://localhost:" + server.port() + prefix;
    }

    public List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    /** Streams the fake was writing when the other side closed the connection. */
    public int closedByPeer() {
        return closedByPeer.get();
    }

    private void handle(ServerRequest req, ServerResponse res) throws IOException {
        byte[] body = req.content().inputStream().readAllBytes();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            headers.put(h.name().toLowerCase(Locale.ROOT), h.allValues());
        }
        String path = req.path().rawPath();
        seen.add(new Seen(req.prologue().method().text(), path, req.query().rawValue(), headers, body,
                req.prologue().protocolVersion(), req.remotePeer().address().toString()));
        res.header("request-id", "req_fake_" + name);
        res.header("anthropic-ratelimit-requests-remaining", "99");
        answerHeaders.forEach(res::header);
        if (!path.startsWith(prefix + "/v1/messages")) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"data\":[{\"id\":\"claude-sonnet-4\",\"type\":\"model\"}],\"served_by\":\"" + name + "\"}");
            return;
        }
        JsonNode json = JSON.readTree(body);
        String model = json.path("model").asText();
        boolean stream = json.path("stream").asBoolean(false);
        if (path.endsWith("/count_tokens")) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            if (!countTokens) {
                res.status(404);
                res.send("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not found\"}}");
                return;
            }
            res.send("{\"input_tokens\":42}");
            return;
        }
        if (model.contains("error500")) {
            res.status(500);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"fake " + name + " is broken\"}}");
            return;
        }
        if (model.contains("hang-head")) {
            awaitRelease();
            return;
        }
        if (model.contains("slow-head-")) {
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Long.parseLong(model.substring(model.indexOf("slow-head-") + 10).replaceAll("\\D.*", "")) * 1_000_000L);
        }
        if (!stream) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(message(model));
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        OutputStream os = res.outputStream();
        try {
            event(os, "message_start", messageStart(model));
            if (model.contains("gated")) {
                gate.await(30, TimeUnit.SECONDS);
            }
            if (model.contains("hang-mid")) {
                awaitRelease();
                return;
            }
            event(os, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            event(os, "ping", "{\"type\": \"ping\"}");
            if (model.contains("endless")) {
                while (true) {
                    event(os, "content_block_delta", delta("tick "));
                }
            }
            long target = model.contains("big-") ? Long.parseLong(model.substring(model.indexOf("big-") + 4)) << 20 : 0;
            event(os, "content_block_delta", delta("Hello"));
            String chunk = delta("x".repeat(4000));
            byte[] frame = ("event: content_block_delta\ndata: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8);
            for (long sent = 0; sent < target; sent += frame.length) {
                os.write(frame);
                os.flush();
            }
            event(os, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(os, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}");
            event(os, "message_stop", "{\"type\":\"message_stop\"}");
            os.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            closedByPeer.incrementAndGet();
        }
    }

    /** From now on answers 404 for count_tokens, as some compatible endpoints do. */
    /** Adds (or, with a null value, removes) a header every later answer carries, e.g. Anthropic's rate-limit headers. */
    public FakeProvider answerWith(String header, String value) {
        if (value == null) {
            answerHeaders.remove(header);
        } else {
            answerHeaders.put(header, value);
        }
        return this;
    }

    /** From now on reports its cache writes split by lifetime, as Anthropic does: 1 of the 3 for 5 minutes, 2 for an hour. */
    public FakeProvider withOneHourCacheWrites() {
        oneHourCacheWrites = true;
        return this;
    }

    public FakeProvider withoutCountTokens() {
        countTokens = false;
        return this;
    }

    /** Lets a {@code gated} stream go on past its message_start. */
    public void openGate() {
        gate.countDown();
    }

    private void awaitRelease() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream os, String type, String data) throws IOException {
        os.write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private static String delta(String text) {
        return "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}";
    }

    private String id() {
        return zaiFlavour ? "20250601" + System.nanoTime() : "msg_01Fake" + System.nanoTime();
    }

    private String usage(int output) {
        // Z.AI omits cache_creation_input_tokens.
        return zaiFlavour
                ? "{\"input_tokens\":25,\"cache_read_input_tokens\":7,\"output_tokens\":" + output + "}"
                : "{\"input_tokens\":25,\"cache_creation_input_tokens\":3,"
                + (oneHourCacheWrites ? "\"cache_creation\":{\"ephemeral_5m_input_tokens\":1,\"ephemeral_1h_input_tokens\":2}," : "")
                + "\"cache_read_input_tokens\":7,\"output_tokens\":" + output + "}";
    }

    private String messageStart(String model) {
        return "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id() + "\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage(1) + "}}";
    }

    private String message(String model) {
        return "{\"id\":\"" + id() + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hello from " + name + "\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":" + usage(15) + "}";
    }

    @Override
    public void close() {
        release.countDown();
        server.stop();
    }
}
