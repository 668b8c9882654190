package dev.ccp.cli.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.testkit.ModuleJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cc status} over projections the real projector built from a real event log: quota use and
 * flags, the warn level learned from a 429, stream speed, the peak hour, and the one-line errors.
 */
class StatusCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-24T14:30:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    final AtomicInteger ids = new AtomicInteger();

    /** Three streamed haiku answers on zai (30 output tokens, 2 s each, first byte after 0.5 s), then a zai 429 rerouted to anthropic. */
    private CcRunner traffic() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(NOW));
        Files.createDirectories(root.resolve("configs"));
        Files.writeString(root.resolve("configs/quotas.yaml"), """
                quotas:
                  - name: zai-plan
                    provider: zai
                    window: 1h
                    rolling: { requests: 6 }
                    weekly: { requests: 100 }
                    warn_pct: 50
                """);
        try (EventLog log = EventLog.open(cc.paths().queueDir())) {
            Instant t = NOW.minus(Duration.ofMinutes(20));
            for (int i = 0; i < 3; i++) {
                request(log, t.plusSeconds(60L * i), "claude-3-5-haiku-20241022", "zai", 200, "stream", 30, null);
            }
            request(log, t.plusSeconds(600), "claude-3-5-haiku-20241022", "anthropic", 200, "nonstream", 5, "zai");
        }
        ModuleJars.projectOnce(cc.paths(), "sqlite");
        return cc;
    }

    private void request(EventLog log, Instant at, String model, String lane, int status, String op, long output,
                         String limitedFirstOn) {
        String req = "req_" + ids.incrementAndGet();
        long us = at.getEpochSecond() * 1_000_000L;
        log.append(new Event.RequestReceived(id(), req, us, "px_test", "POST", "/v1/messages", null, model, op.equals("stream"),
                100, "x-api-key", "test", null));
        log.append(new Event.RouteDecided(id(), req, us + 10, "px_test", "model_route", lane, lane, model, model, "x-api-key", "test"));
        if (limitedFirstOn != null) {
            log.append(new Event.UpstreamAttempt(id(), req, us + 20, "px_test", 1, limitedFirstOn, "http://x/v1/messages", "h1",
                    429, 1_000, "rerouted", null));
        }
        log.append(new Event.ResponseCompleted(id(), req, us + 2_000_000, "px_test", status, op, 2_000_000, 500_000, 10, output,
                0, 0, "end_turn", "h1", "ok", 100, null));
    }

    private String id() {
        return "ev_" + ids.incrementAndGet();
    }

    @Test
    void statusShowsQuotaUseFlagsLearnedWarnLevelSpeedAndPeakHour() throws Exception {
        CcRunner cc = traffic();

        CcRunner.Result text = cc.run("status");

        assertEquals(0, text.exit(), text.toString());
        String zaiRow = text.out().lines().filter(l -> l.startsWith("claude-3-5-haiku-20241022  zai")).findFirst().orElseThrow();
        assertTrue(zaiRow.contains("zai-plan"), zaiRow);
        assertTrue(zaiRow.contains("3/6 requests (1h)") && zaiRow.contains("50%"), zaiRow);
        assertTrue(zaiRow.contains("3/100 requests") && zaiRow.contains(" 3%"), zaiRow);
        assertTrue(zaiRow.contains("warn"), zaiRow);
        assertTrue(zaiRow.contains("45 (0.1)"), "429 at 50% of the cap: warn auto 90% of it: " + zaiRow);
        assertTrue(zaiRow.contains("20"), "TPS = 90 tokens / 4.5 s inside streams: " + zaiRow);
        assertTrue(zaiRow.contains("14:00"), "peak hour: " + zaiRow);
        assertTrue(zaiRow.contains("90 (20/15)"), "ROLL OUT: 90 tokens, 20 tok/s inside streams, 15 tok/s of wall time: " + zaiRow);
        assertTrue(text.out().contains("warn: zai-plan at 50% of its 1h rolling cap (3/6 requests) (warn at 50%)"), text.out());

        CcRunner.Result debug = cc.run("status", "--debug-quota", "--json");
        assertEquals(0, debug.exit(), debug.toString());
        JsonNode doc = JSON.readTree(debug.out());
        JsonNode zai = null;
        for (JsonNode m : doc.path("models")) {
            if (m.path("lane").asText().equals("zai")) {
                zai = m;
            }
        }
        assertEquals(50.0, zai.path("rolling_pct").asDouble());
        assertEquals(45.0, zai.path("warn_pct_auto").asDouble());
        assertEquals(0.1, zai.path("warn_pct_confidence").asDouble());
        assertEquals(1, zai.path("gap_samples").asInt());
        assertEquals(600.0 - 0, zai.path("gap_seconds_p50").asDouble() , "429 came 10 min after the window's first use");
        assertEquals(20.0, zai.path("tps").asDouble());
        assertEquals(15.0, zai.path("roll_out_dirty_tps").asDouble());
        assertEquals(14, zai.path("peak_hour_utc").asInt());
        assertEquals(3, zai.path("rolling_streams").asInt());
        assertTrue(doc.at("/quotas/0/warn").asBoolean());
    }

    @Test
    void requestsTheProxyRefusedItselfAreCountedApartNotShownAsABlockedUnknownLane() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(NOW));
        Files.createDirectories(root.resolve("configs"));
        Files.writeString(root.resolve("configs/quotas.yaml"), """
                quotas:
                  - name: haiku-cap
                    model: "*haiku*"
                    window: 1h
                    rolling: { requests: 1 }
                    block_pct: 100
                """);
        try (EventLog log = EventLog.open(cc.paths().queueDir())) {
            Instant t = NOW.minus(Duration.ofMinutes(20));
            request(log, t, "claude-3-5-haiku-20241022", "zai", 200, "nonstream", 5, null);
            for (int i = 1; i <= 2; i++) {
                String req = "req_refused_" + i;
                long us = t.plusSeconds(60L * i).getEpochSecond() * 1_000_000L;
                log.append(new Event.RequestReceived(id(), req, us, "px_test", "POST", "/v1/messages", null,
                        "claude-3-5-haiku-20241022", false, 100, "x-api-key", "test", null));
                log.append(new Event.ResponseCompleted(id(), req, us + 1_000, "px_test", 429, "nonstream", 1_000, 0, 0, 0,
                        0, 0, null, null, "quota_blocked", 0, null));
            }
        }
        ModuleJars.projectOnce(cc.paths(), "sqlite");

        CcRunner.Result text = cc.run("status");

        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().lines().noneMatch(l -> l.contains(" unknown ")), text.out());
        assertTrue(text.out().contains("2 request(s) refused by the proxy itself in the last 7 days"), text.out());
        assertTrue(text.out().contains("1 model/lane pair(s) used in the last 7 days"), text.out());
        JsonNode doc = JSON.readTree(cc.run("status", "--json").out());
        assertEquals(2, doc.get("refused_requests_7d").asLong());
        assertEquals(1, doc.get("models").size(), doc.toString());
    }

    @Test
    void statusWithoutProjectionsOrWithABrokenQuotasFileSaysSoInOneLine() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(NOW));
        CcRunner.Result none = cc.run("status");
        assertEquals(2, none.exit());
        assertEquals(1, none.errLines().size(), none.toString());
        assertTrue(none.err().contains("no projections yet"), none.err());

        Files.createDirectories(root.resolve("configs"));
        Files.writeString(root.resolve("configs/quotas.yaml"), "quotas:\n  - { name: x, provider: zai, rolling: { requets: 3 } }\n");
        CcRunner.Result broken = cc.run("status");
        assertEquals(2, broken.exit());
        assertEquals(1, broken.errLines().size(), broken.toString());
        assertTrue(broken.err().contains("unknown key requets"), broken.err());
    }

    @Test
    void quotasReloadWithoutAProxySaysSoAndChecksTheFile() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(NOW)).env("CCP_PORT", "1");
        Path bad = root.resolve("bad.yaml");
        Files.writeString(bad, "quotas: 3\n");
        CcRunner.Result r = cc.run("quotas", "reload", bad.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("no proxy answers on http://127.0.0.1:1") && r.err().contains("quotas must be a list"), r.err());
    }
}
