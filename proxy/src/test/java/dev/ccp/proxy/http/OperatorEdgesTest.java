package dev.ccp.proxy.http;

import dev.ccp.events.Event;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.proxy.testing.RawHttp;
import dev.ccp.testkit.TwoLaneCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rough edges an operator found by trying things: each answered the way the log says, Anthropic-shaped. */
class OperatorEdgesTest {
    @TempDir
    static Path dir;
    static FakeProvider anthropic;
    static FakeProvider zai;
    static ProxyServer proxy;

    @BeforeAll
    static void start() {
        anthropic = new FakeProvider("anthropic", "", false);
        zai = new FakeProvider("zai", "/api/anthropic", true);
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", TwoLaneCatalog.write(dir, anthropic, zai).toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString(),
                "ZAI_API_KEY", "zai-edge-key")));
    }

    @AfterAll
    static void stop() {
        proxy.stop("test");
        anthropic.close();
        zai.close();
    }

    private static Event.ResponseCompleted completion(String reqId) {
        return (Event.ResponseCompleted) await().atMost(Duration.ofSeconds(10)).until(
                () -> EventReader.forRequest(dir.resolve("logs/queue"), reqId).stream()
                        .filter(e -> e instanceof Event.ResponseCompleted).findFirst().orElse(null), e -> e != null);
    }

    private static String reqId(RawHttp.Answer a) {
        return a.text().lines().filter(l -> l.toLowerCase().startsWith("x-ccp-request-id:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
    }

    @Test
    void anUploadCutShortIsClosedWithoutAnAnswerAndWithoutAStackTraceAndRecordedAsClientAbort() throws Exception {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        int before = (int) EventReader.all(dir.resolve("logs/queue")).stream()
                .filter(e -> e instanceof Event.ResponseCompleted c && c.status() == 499).count();
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"model\":\"claude-sonnet-cut").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            RawHttp.Answer a = RawHttp.readAll(s.getInputStream());
            assertFalse(a.text().contains("500") || a.text().contains("Internal Server Error"), a.text());
            assertEquals("", a.text(), "nobody is left to read an answer: the connection is closed");
        } finally {
            await().atMost(Duration.ofSeconds(10)).until(() -> EventReader.all(dir.resolve("logs/queue")).stream()
                    .filter(e -> e instanceof Event.ResponseCompleted c && c.status() == 499).count() > before);
            root.removeHandler(handler);
        }
        Event.ResponseCompleted cut = EventReader.all(dir.resolve("logs/queue")).stream()
                .filter(e -> e instanceof Event.ResponseCompleted c && c.status() == 499)
                .map(Event.ResponseCompleted.class::cast).toList().getLast();
        assertEquals("client_abort", cut.outcome());
        assertTrue(logged.stream().noneMatch(r -> r.getThrown() != null), () -> "a stack trace was logged: "
                + logged.stream().filter(r -> r.getThrown() != null).map(r -> r.getMessage() + " " + r.getThrown()).toList());
    }

    @Test
    void countTokensIsRecordedAsItsOwnOp() throws Exception {
        RawHttp.Answer a = RawHttp.exchange(proxy.port(), RawHttp.post("/v1/messages/count_tokens",
                "{\"model\":\"claude-sonnet-4\",\"messages\":[]}"));
        assertEquals(200, a.status(), a.text());
        assertTrue(a.body().contains("\"input_tokens\":42"), a.body());
        assertEquals("count_tokens", completion(reqId(a)).op());
    }

    @Test
    void adminAnswersOnlyRequestsWhoseHostIsALoopbackName() throws Exception {
        for (String host : List.of("evil.example.com", "evil.example.com:" + proxy.port(), "127.0.0.1.evil.example.com",
                "localhost.evil:80")) {
            RawHttp.Answer a = RawHttp.exchange(proxy.port(),
                    "POST /admin/pause HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertEquals(403, a.status(), host + ": " + a.text());
            assertTrue(a.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"permission_error\""), a.body());
        }
        assertFalse(proxy.control().paused(), "no refused request flipped the kill switch");
        for (String host : List.of("127.0.0.1", "localhost:" + proxy.port(), "[::1]:8082", "LOCALHOST")) {
            RawHttp.Answer a = RawHttp.exchange(proxy.port(),
                    "GET /admin/state HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, a.status(), host + ": " + a.text());
            assertTrue(a.body().contains("\"paused\":false"), a.body());
        }
    }

    @Test
    void aClientsConnectionCloseIsAnsweredAndTheSocketClosed() throws Exception {
        for (String request : List.of("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                RawHttp.post("/v1/messages", "{\"model\":\"claude-sonnet-close\",\"max_tokens\":5}"),
                RawHttp.post("/v1/messages", "{\"model\":\"claude-sonnet-close-stream\",\"stream\":true}"))) {
            try (Socket s = new Socket("127.0.0.1", proxy.port())) {
                // Closed by the proxy well within this; without the close the read would wait for it.
                s.setSoTimeout(10_000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                RawHttp.Answer a = RawHttp.readAll(s.getInputStream());
                assertEquals(200, a.status(), a.text());
                assertTrue(a.closedByServer());
                assertTrue(a.text().toLowerCase().contains("connection: close"), a.text());
                if (request.contains("close-stream")) {
                    assertTrue(a.text().contains("event: message_stop") && a.text().endsWith("0\r\n\r\n"), a.text());
                }
            }
        }
    }

    @Test
    void theGuidesCountersAreInMetricsBeforeTheyFirstCount() throws Exception {
        RawHttp.Answer a = RawHttp.exchange(proxy.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(200, a.status());
        String metrics = a.body();
        assertTrue(metrics.contains("ccp_preferred_attempt_total{provider=\"zai\"}"), metrics);
        assertTrue(metrics.contains("ccp_wasted_retry_ms_total{provider=\"zai\"} 0.0"), metrics);
        assertTrue(metrics.contains("ccp_rerouted_on_limit_total{from=\"zai\",reason=\"429\",to=\"anthropic\"} 0.0"), metrics);
        assertTrue(metrics.contains("ccp_event_log_wait_timeouts_total 0.0"), metrics);
    }
}
