package dev.ccp.projector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ccp.events.Clocks;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.Ids;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A process that behaves like the proxy towards the log: it serves {@code POST /v1/messages} on loopback,
 * routes Haiku to the {@code zai} lane and the rest to {@code anthropic}, answers a Messages API JSON body,
 * and records each request's events through a single writer thread, as the proxy does. Argument: queueDir.
 * Prints {@code listening <port>}.
 */
public final class ProxyLikeMain {
    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        InstantSource clock = InstantSource.system();
        String instance = Ids.instanceId();
        EventLog log = EventLog.open(Path.of(args[0]));
        ExecutorService writer = Executors.newSingleThreadExecutor();
        writer.submit(() -> log.append(new Event.ProxyStarted(Ids.eventId(Clocks.micros(clock)), null, Clocks.micros(clock),
                instance, "test", "127.0.0.1", 0, ProcessHandle.current().pid(), List.of())));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/messages", exchange -> {
            long start = Clocks.micros(clock);
            String req = Ids.requestId();
            JsonNode body = json.readTree(exchange.getRequestBody());
            String model = body.path("model").asText(null);
            boolean haiku = model != null && model.contains("haiku");
            String lane = haiku ? "zai" : "anthropic";
            String headerMode = haiku ? "x-api-key" : "passthrough";
            int maxTokens = body.path("max_tokens").asInt(16);
            byte[] answer = ("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
                    + "\"usage\":{\"input_tokens\":" + (10 + maxTokens) + ",\"output_tokens\":" + maxTokens + "}}")
                    .getBytes(StandardCharsets.UTF_8);
            respond(exchange, answer);
            long end = Clocks.micros(clock);
            writer.submit(() -> {
                log.append(new Event.RequestReceived(Ids.eventId(start), req, start, instance, "POST", "/v1/messages",
                        exchange.getRequestURI().getQuery(), model, false, 100, "x-api-key", "test", null));
                log.append(new Event.RouteDecided(Ids.eventId(start), req, start + 1, instance,
                        haiku ? "model_route" : "default_route", lane, lane, model, haiku ? "glm-4.5-air" : model,
                        headerMode, "test"));
                log.append(new Event.UpstreamAttempt(Ids.eventId(start), req, start + 2, instance, 1, lane,
                        "http://fake/" + lane, "h1", 200, Math.max(1, end - start), "response", null));
                log.append(new Event.ResponseCompleted(Ids.eventId(end), req, Math.max(end, start + 3), instance, 200,
                        "nonstream", Math.max(1, end - start), Math.max(1, end - start), 10 + maxTokens, maxTokens, 0, 0,
                        "end_turn", "h1", "ok", answer.length, null));
            });
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("listening " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void respond(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
