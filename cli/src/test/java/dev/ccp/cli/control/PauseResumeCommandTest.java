package dev.ccp.cli.control;

import dev.ccp.cli.CcRunner;
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
    void withoutARunningProxyPauseSaysSoInOneLine() throws Exception {
        int port = freePort();
        CcRunner.Result r = cc().env("CCP_PORT", String.valueOf(port)).run("pause");
        assertEquals(2, r.exit());
        assertEquals(List.of("cc pause: no proxy is running on 127.0.0.1:" + port
                + " (start it with 'make run' or bin/ccp-proxy; set CCP_PORT or pass --port for another port)"), r.errLines());
    }
}
