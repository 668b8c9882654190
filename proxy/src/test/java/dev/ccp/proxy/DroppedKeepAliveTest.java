package dev.ccp.proxy;

import dev.ccp.events.Event;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.proxy.testing.OneProviderCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider that drops each keep-alive connection right after answering, without saying
 * {@code Connection: close} (as a server whose idle timeout is shorter than the proxy's does): the
 * proxy's pooled connection is then dead when the next request takes it. Every request must still be
 * answered, and reach the provider exactly once.
 */
class DroppedKeepAliveTest {
    @TempDir
    Path dir;

    @Test
    void aConnectionTheProviderDroppedIsReplacedAndTheRequestSentOnce() throws Exception {
        try (DroppingProvider provider = new DroppingProvider()) {
            Path catalog = OneProviderCatalog.write(dir, "http://127.0.0.1:" + provider.port());
            ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(),
                    "CCP_PROVIDERS_FILE", catalog.toString())));
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages");
                for (int i = 0; i < 5; i++) {
                    String model = "claude-sonnet-dropped-" + i;
                    HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":5}"))
                            .header("x-api-key", "sk-ant-client").build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, res.statusCode(), res.body());
                    assertTrue(res.body().contains(model), res.body());
                }
                assertEquals(List.of("claude-sonnet-dropped-0", "claude-sonnet-dropped-1", "claude-sonnet-dropped-2",
                                "claude-sonnet-dropped-3", "claude-sonnet-dropped-4"),
                        provider.models().stream().toList(), "each request reached the provider once");
                List<Event.ResponseCompleted> done = await().atMost(Duration.ofSeconds(10)).until(
                        () -> EventReader.all(dir.resolve("logs").resolve("queue")).stream()
                                .filter(e -> e instanceof Event.ResponseCompleted).map(Event.ResponseCompleted.class::cast).toList(),
                        l -> l.size() == 5);
                assertTrue(done.stream().allMatch(d -> d.outcome().equals("ok") && d.status() == 200), done.toString());
            } finally {
                proxy.stop("test");
            }
        }
    }

    /** A minimal HTTP/1.1 server on a plain socket: one answer per connection, then the socket is closed. */
    static final class DroppingProvider implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Queue<String> models = new ConcurrentLinkedQueue<>();

        DroppingProvider() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> answerOnce(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        Queue<String> models() {
            return models;
        }

        private void answerOnce(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                String head = readHead(in);
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                String model = body.replaceAll(".*\"model\":\"([^\"]+)\".*", "$1");
                models.add(model);
                byte[] answer = ("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
                        + "\",\"content\":[],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}")
                        .getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + answer.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(answer);
                out.flush();
            } catch (IOException e) {
                // The proxy may find the connection closed before sending anything on it again.
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before the request head ended");
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
