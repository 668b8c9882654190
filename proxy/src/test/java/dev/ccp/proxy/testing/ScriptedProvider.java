package dev.ccp.proxy.testing;

import dev.ccp.testkit.FakeProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

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

/**
 * A provider over real HTTP on loopback whose next answers are scripted: {@link #thenAnswer} queues an
 * error (status, headers, body); once the queue is empty it answers the Messages API normally, as JSON
 * or as an SSE stream (message_start … message_stop) when the request asks for one. Every answer
 * names the provider ({@code "Hello from NAME"}), so a test sees who served it.
 */
public final class ScriptedProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private final String name;
    private final String prefix;
    private final WebServer server;
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final Queue<FakeProvider.Seen> seen = new ConcurrentLinkedQueue<>();

    public ScriptedProvider(String name, String prefix) {
        this.name = name;
        this.prefix = prefix;
        this.server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.any(this::handle)).build().start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + prefix;
    }

    /** Queues one scripted answer. */
    public ScriptedProvider thenAnswer(int status, Map<String, String> headers, String body) {
        script.add(new Answer(status, headers, body));
        return this;
    }

    public List<FakeProvider.Seen> seen() {
        return new ArrayList<>(seen);
    }

    private void handle(ServerRequest req, ServerResponse res) throws IOException {
        byte[] body = req.content().inputStream().readAllBytes();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            headers.put(h.name().toLowerCase(Locale.ROOT), h.allValues());
        }
        seen.add(new FakeProvider.Seen(req.prologue().method().text(), req.path().rawPath(), req.query().rawValue(),
                headers, body, req.prologue().protocolVersion(), req.remotePeer().address().toString()));
        Answer scripted = script.poll();
        if (scripted != null) {
            res.status(scripted.status());
            if (!scripted.headers().containsKey("content-type")) {
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
            }
            scripted.headers().forEach(res::header);
            res.send(scripted.body());
            return;
        }
        JsonNode json = JSON.readTree(body);
        String model = json.path("model").asText();
        String text = "Hello from " + name;
        if (!json.path("stream").asBoolean(false)) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"id\":\"msg_" + name + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream os = res.outputStream()) {
            event(os, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + name + "\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
                    + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
            event(os, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
            event(os, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
            event(os, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(os, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}");
            event(os, "message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    private static void event(OutputStream os, String type, String data) throws IOException {
        os.write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    @Override
    public void close() {
        server.stop();
    }
}
