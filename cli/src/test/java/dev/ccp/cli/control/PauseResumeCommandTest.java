package dev.ccp.cli.control;

import dev.ccp.cli.CcRunner;
import dev.ccp.cli.support.OneAnswerServer;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import dev.ccp.testkit.ProxyProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cc pause / cc resume against a real proxy on loopback. */
class PauseResumeCommandTest {
    @TempDir
    Path root;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    @Test
    void pauseAndResumeFlipTheRunningProxysKillSwitch() throws Exception {
        Path catalog = root.resolve("p.yaml");
        Files.writeString(catalog, "providers:\n  anthropic: { base_url: \"http://127.0.0.1:" + freePort() + "\" }\n");
        Path logs = root.resolve("proxy-logs");
        try (ProxyProcess proxy = ProxyProcess.start(root, Map.of(
                "CCP_LOG_DIR", logs.toString(), "CCP_PROVIDERS_FILE", catalog.toString(),
                "XDG_CONFIG_HOME", root.resolve("xdg").toString()))) {
            CcRunner cc = cc().env("CCP_PORT", String.valueOf(proxy.port()));

            CcRunner.Result paused = cc.run("pause");
            assertEquals(0, paused.exit(), paused.toString());
            assertEquals("offload paused: every request goes to anthropic (decision paused)\n", paused.out());
            assertTrue(proxy.getJson("/admin/state").get("paused").asBoolean());

            assertEquals("offload was already paused: every request goes to anthropic (decision paused)\n", cc.run("pause").out());

            CcRunner.Result resumed = cc.run("resume", "--json");
            assertEquals(0, resumed.exit(), resumed.toString());
            assertTrue(resumed.out().contains("\"paused\":false"), resumed.out());
            assertFalse(proxy.getJson("/admin/state").get("paused").asBoolean());

            List<String> sources = await().atMost(Duration.ofSeconds(10)).until(() -> pausedSources(logs.resolve("queue")),
                    l -> l.size() == 3);
            assertEquals(List.of("policy", "/admin/pause", "/admin/resume"), sources);
        }
    }

    private static List<String> pausedSources(Path queue) {
        List<String> out = new ArrayList<>();
        try (EventLog log = EventLog.open(queue); EventTailer t = log.fromStart()) {
            LogEntry e;
            while ((e = t.next()) != null) {
                if (e instanceof LogEntry.Read r && r.event() instanceof Event.ConfigChanged c && c.kind().equals("paused")) {
                    out.add(c.source());
                }
            }
        }
        return out;
    }

    @Test
    void aChunkedAnswerOfTheProxyIsReadWhole() throws Exception {
        String body = "{\"paused\":true,\"changed\":true,\"default_provider\":\"zai\"}";
        try (OneAnswerServer proxy = new OneAnswerServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + "10\r\n" + body.substring(0, 16) + "\r\n"
                + Integer.toHexString(body.length() - 16) + "\r\n" + body.substring(16) + "\r\n0\r\n\r\n")) {
            CcRunner.Result r = cc().run("pause", "--port", String.valueOf(proxy.port()));

            assertEquals(0, r.exit(), r.toString());
            assertEquals("offload paused: every request goes to zai (decision paused)\n", r.out());
            assertTrue(proxy.request().startsWith("POST /admin/pause HTTP/1.1\r\n"));
        }
    }

    @Test
    void aRefusalOfTheProxyIsOneLineWithItsMessageAndExitTwo() throws Exception {
        String error = "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"admin answers loopback callers only\"}}";
        try (OneAnswerServer proxy = new OneAnswerServer("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + error.length() + "\r\n\r\n" + error)) {
            CcRunner.Result r = cc().run("resume", "--port", String.valueOf(proxy.port()));

            assertEquals(2, r.exit(), r.toString());
            assertEquals(List.of("cc resume: 127.0.0.1:" + proxy.port() + " did not accept /admin/resume"
                    + " (admin answers loopback callers only); is it a ccp proxy of this version?"), r.errLines());
            assertEquals("", r.out());
        }
        try (OneAnswerServer notCcp = new OneAnswerServer("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")) {
            CcRunner.Result r = cc().run("pause", "--port", String.valueOf(notCcp.port()));

            assertEquals(2, r.exit(), r.toString());
            assertEquals(List.of("cc pause: 127.0.0.1:" + notCcp.port() + " did not accept /admin/pause"
                    + " (HTTP 404); is it a ccp proxy of this version?"), r.errLines());
        }
    }

    @Test
    void withoutARunningProxyPauseSaysSoInOneLine() throws Exception {
        int port = freePort();
        CcRunner.Result r = cc().env("CCP_PORT", String.valueOf(port)).run("pause");
        assertEquals(2, r.exit());
        assertEquals(List.of("cc pause: no proxy is running on 127.0.0.1:" + port
                + " (start it with 'make run' or bin/ccp-proxy; set CCP_PORT or pass --port for another port)"), r.errLines());
    }
}
