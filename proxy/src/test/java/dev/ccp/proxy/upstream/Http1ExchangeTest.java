package dev.ccp.proxy.upstream;

import dev.ccp.policy.catalog.Provider;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP/1.1 exchange on a pooled connection against a provider written on a plain socket: what the
 * provider receives, each way a response body can be framed, and when a connection is reused.
 */
class Http1ExchangeTest {
    private ScriptedSocketProvider provider;
    private UpstreamClients clients;
    private Provider target;

    @BeforeEach
    void start() throws IOException {
        provider = new ScriptedSocketProvider();
        clients = new UpstreamClients(Timeouts.defaults(), false);
        target = Provider.passthrough("anthropic", "http://127.0.0.1:" + provider.port() + "/base/");
    }

    @AfterEach
    void stop() throws IOException {
        clients.close();
        provider.close();
    }

    private UpstreamResponse send(String method, String pathAndQuery, byte[] body) throws UpstreamException {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("x-api-key"), "sk-ant-client");
        headers.add(HeaderNames.CONTENT_TYPE, "application/json");
        headers.add(HeaderNames.create("anthropic-beta"), "one", "two");
        return clients.send(new UpstreamRequest(target, method, pathAndQuery, headers, body, false));
    }

    private static byte[] readAll(UpstreamResponse r) throws IOException {
        return r.body().readAllBytes();
    }

    @Test
    void theProviderReceivesTheRequestLineHeadersAndBodyAsSent() throws Exception {
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
        byte[] body = "{\"model\":\"claude-sonnet\",\"x\":\"é\"}".getBytes(StandardCharsets.UTF_8);
        try (UpstreamResponse r = send("POST", "/v1/messages?beta=true&x=a%2Bb", body)) {
            assertEquals(200, r.status());
            assertEquals("{}", new String(readAll(r), StandardCharsets.UTF_8));
        }
        String port = String.valueOf(provider.port());
        // The headers in the order the header map gives them (as Helidon's client wrote them).
        assertEquals("POST /base/v1/messages?beta=true&x=a%2Bb HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "x-api-key: sk-ant-client\r\n"
                + "anthropic-beta: one\r\n"
                + "anthropic-beta: two\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n", provider.heads.poll());
        assertArrayEquals(body, provider.bodies.poll());
    }

    @Test
    void aChunkedBodyIsDecodedAcrossReadsWithExtensionsAndTrailersAndItsConnectionReused() throws Exception {
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
                "6;ext=1\r\nevent:", "\r\n", "A\r\n message\n\n\r\n", "0\r\nx-trailer: t\r\n\r\n");
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc");
        try (UpstreamResponse r = send("POST", "/v1/messages", "{}".getBytes(StandardCharsets.UTF_8))) {
            assertEquals("event: message\n\n", new String(readAll(r), StandardCharsets.UTF_8));
        }
        try (UpstreamResponse r = send("POST", "/v1/messages", "{}".getBytes(StandardCharsets.UTF_8))) {
            assertEquals("abc", new String(readAll(r), StandardCharsets.UTF_8));
        }
        assertEquals(1, provider.connections.get(), "the second request went on the first one's connection");
    }

    @Test
    void aResponseSayingConnectionCloseIsReadWholeAndItsConnectionNotReused() throws Exception {
        provider.answer(true, "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 5\r\n\r\nhello");
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc");
        try (UpstreamResponse r = send("POST", "/v1/messages", new byte[0])) {
            assertEquals("hello", new String(readAll(r), StandardCharsets.UTF_8));
        }
        try (UpstreamResponse r = send("POST", "/v1/messages", new byte[0])) {
            assertEquals("abc", new String(readAll(r), StandardCharsets.UTF_8));
        }
        assertEquals(2, provider.connections.get());
    }

    @Test
    void aBodyWithoutLengthRunsToTheEndOfTheConnection() throws Exception {
        provider.answer(true, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n", "{\"a\":", "1}");
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc");
        try (UpstreamResponse r = send("POST", "/v1/messages", new byte[0])) {
            assertEquals("{\"a\":1}", new String(readAll(r), StandardCharsets.UTF_8));
        }
        try (UpstreamResponse r = send("POST", "/v1/messages", new byte[0])) {
            assertEquals("abc", new String(readAll(r), StandardCharsets.UTF_8));
        }
        assertEquals(2, provider.connections.get());
    }

    @Test
    void aResponseWithNoBodyLeavesItsConnectionForTheNextRequest() throws Exception {
        provider.answer(false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nx-seen: 1\r\n\r\n");
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc");
        try (UpstreamResponse r = send("GET", "/v1/models", new byte[0])) {
            assertEquals(204, r.status());
            assertEquals("1", r.headers().get(HeaderNames.create("x-seen")).get());
            assertEquals(-1, r.body().read());
        }
        try (UpstreamResponse r = send("GET", "/v1/models", new byte[0])) {
            assertEquals("abc", new String(readAll(r), StandardCharsets.UTF_8));
        }
        assertEquals(1, provider.connections.get());
    }

    @Test
    void aBodyClosedBeforeItsEndClosesTheConnection() throws Exception {
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n01234");
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc");
        try (UpstreamResponse r = send("POST", "/v1/messages", new byte[0])) {
            byte[] some = new byte[5];
            assertEquals(5, r.body().readNBytes(some, 0, 5));
        }
        try (UpstreamResponse r = send("POST", "/v1/messages", new byte[0])) {
            assertEquals("abc", new String(readAll(r), StandardCharsets.UTF_8));
        }
        assertEquals(2, provider.connections.get(), "the rest of the first body must not be read as the second answer");
    }

    @Test
    void aLargeBodyGoesOutWhole() throws Exception {
        provider.answer(false, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        try (UpstreamResponse r = send("POST", "/v1/messages", body)) {
            assertEquals("ok", new String(readAll(r), StandardCharsets.UTF_8));
        }
        assertArrayEquals(body, provider.bodies.poll());
        assertTrue(provider.heads.poll().endsWith("Content-Length: 300000\r\n\r\n"));
    }

    /**
     * Answers each request with the next scripted answer, written in the given pieces (flushed one by
     * one), on keep-alive connections; closes the connection after an answer marked so.
     */
    static final class ScriptedSocketProvider implements AutoCloseable {
        record Answer(boolean close, List<String> pieces) {
        }

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Queue<Answer> script = new ConcurrentLinkedQueue<>();
        final Queue<String> heads = new ConcurrentLinkedQueue<>();
        final Queue<byte[]> bodies = new ConcurrentLinkedQueue<>();
        final AtomicInteger connections = new AtomicInteger();

        ScriptedSocketProvider() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        void answer(boolean close, String... pieces) {
            script.add(new Answer(close, List.of(pieces)));
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    heads.add(head);
                    bodies.add(in.readNBytes(length));
                    Answer a = script.poll();
                    if (a == null) {
                        return;
                    }
                    for (String piece : a.pieces()) {
                        out.write(piece.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                    if (a.close()) {
                        return;
                    }
                }
            } catch (IOException e) {
                // The client closed the connection.
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
