package dev.ccp.projector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.testing.SampleEvents;
import dev.ccp.projector.testing.ProjectionSnapshot;
import dev.ccp.projector.testing.SyntheticTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rebuild from the first event gives exactly what the incremental runs built, unreadable events included. */
class ReplayEqualityTest {
    private static final long T = 1_767_225_600_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Settings SETTINGS = Settings.DEFAULTS.withRollupInterval(Duration.ZERO).withBatchSize(3);

    @TempDir
    Path dir;

    @Test
    void rebuildOfALogWithEveryEventTypeAndAnUnreadableOneIsByteIdenticalToTheIncrementalBuild() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            SampleEvents.oneOfEach(T).forEach(log::append);
            Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);

            // A request left open by px_test, then the planted unreadable document, then a new instance.
            log.append(new Event.RequestReceived("e20", "req_open", T + 100, "px_test", "POST", "/v1/messages", null,
                    "claude-sonnet-4-5", true, 10, "x-api-key", "cli", null));
            log.append(new Event.RouteDecided("e21", "req_open", T + 101, "px_test", "default_route", "anthropic", "anthropic",
                    "claude-sonnet-4-5", "claude-sonnet-4-5", "passthrough", "default"));
            log.append(new Event.RequestReceived("e20b", "req_open2", T + 102, "px_test", "POST", "/v1/messages", null,
                    "claude-3-5-haiku-20241022", false, 10, "x-api-key", "cli", null));
            log.appendEncoded("{\"type\":\"RequestReceived\",\"v\":1,\"id\":".getBytes(StandardCharsets.UTF_8));
            Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
            log.append(new Event.ProxyStarted("e22", null, T + 5_000_000, "px_next", "0.1.0", "127.0.0.1", 8082, 1, List.of()));
            log.append(new Event.RequestReceived("e23", "req_after", T + 5_000_100, "px_next", "POST", "/v1/messages", null,
                    "claude-3-5-haiku-20241022", false, 10, "authorization", "sdk", null));
            log.append(new Event.RouteDecided("e24", "req_after", T + 5_000_200, "px_next", "model_route", "zai", "zai",
                    "claude-3-5-haiku-20241022", "glm-4.5-air", "authorization", "haiku"));
            log.append(new Event.UpstreamAttempt("e25", "req_after", T + 5_000_300, "px_next", 1, "zai", "https://api.z.ai/x",
                    "h1", 200, 900, "response", null));
            log.append(new Event.ResponseCompleted("e26", "req_after", T + 5_250_300, "px_next", 200, "nonstream", 250_300, 250_000,
                    7, 8, 0, 1, "end_turn", "h1", "ok", 300, null));
            Summary last = Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
            assertEquals(0, last.unreadable(), "the unreadable document was applied by the previous run");
        }
        ProjectionSnapshot incremental = ProjectionSnapshot.of(paths);

        Summary rebuilt = Projector.rebuild(paths, Set.of(), SETTINGS, Progress.NONE);
        ProjectionSnapshot replayed = ProjectionSnapshot.of(paths);

        assertEquals(1, rebuilt.unreadable());
        assertEquals(19, rebuilt.applied());
        assertEquals(incremental, replayed);

        List<String> lines = replayed.usageLines();
        assertEquals(5, lines.size(), String.join("\n", lines));
        JsonNode aborted = JSON.readTree(lines.get(0));
        assertEquals("req_000000000000000000000001", aborted.get("req_id").asText());
        assertEquals("zai", aborted.get("lane").asText());
        assertEquals("client_abort", aborted.get("outcome").asText());
        assertEquals(12.345, aborted.get("latency_ms").asDouble());
        assertEquals(1, aborted.get("attempts").asInt());
        assertEquals("h2", aborted.get("http").asText());
        assertEquals("x-api-key", aborted.get("header_mode").asText());
        JsonNode imported = JSON.readTree(lines.get(1));
        assertEquals("req_legacy_1", imported.get("req_id").asText());
        assertEquals(120.5, imported.get("latency_ms").asDouble());
        JsonNode lost = JSON.readTree(lines.get(2));
        assertEquals("req_open", lost.get("req_id").asText());
        assertEquals("proxy_lost", lost.get("outcome").asText());
        assertEquals("anthropic", lost.get("lane").asText());
        JsonNode lost2 = JSON.readTree(lines.get(3));
        assertEquals("req_open2", lost2.get("req_id").asText(), "one ProxyStarted closes every open request of the old instance");
        assertEquals("proxy_lost", lost2.get("outcome").asText());
        assertEquals("nonstream", lost2.get("op").asText());
        JsonNode after = JSON.readTree(lines.get(4));
        assertEquals("req_after", after.get("req_id").asText());
        assertEquals("2026-01-01T00:00:05.250Z", after.get("ts").asText());
        assertTrue(lines.get(4).contains("\"lane\":\"zai\""), "the guide's rg smoke test matches compact lines");

        assertEquals(1, JSON.readTree(replayed.metricsJson()).get("unreadable_events").asInt());
        assertEquals(5, JSON.readTree(replayed.metricsJson()).at("/total/count").asInt());
        assertEquals(5, replayed.tables().get("samples").size(), "each closed request has its own row");
        assertEquals("event: message_start\ndata: {}\n\n", replayed.partials().get("req_000000000000000000000001.partial"));
    }

    @Test
    void rebuildOfSyntheticTrafficBuiltInManySmallStepsIsIdentical() {
        CcpPaths paths = CcpPaths.under(dir);
        Settings settings = Settings.DEFAULTS.withRollupInterval(Duration.ofHours(1)).withBatchSize(97);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            int[] n = {0};
            // Ten days of traffic, so retention prunes samples, with restarts and unreadable documents.
            new SyntheticTraffic(7, 60_000_000L, 300, 250, "s").generate(3_000, item -> {
                switch (item) {
                    case SyntheticTraffic.Ev e -> log.append(e.event());
                    case SyntheticTraffic.Raw r -> log.appendEncoded(r.json());
                }
                if (++n[0] % 2_500 == 0) {
                    Projector.catchUp(paths, Set.of(), settings, Progress.NONE);
                }
            });
        }
        Projector.catchUp(paths, Set.of(), settings, Progress.NONE);
        ProjectionSnapshot incremental = ProjectionSnapshot.of(paths);
        Summary rebuilt = Projector.rebuild(paths, Set.of(), Settings.DEFAULTS, Progress.NONE);
        ProjectionSnapshot replayed = ProjectionSnapshot.of(paths);

        assertEquals(incremental, replayed);
        assertTrue(rebuilt.unreadable() >= 10);
        assertTrue(replayed.usageLines().size() > 3_000, "requests plus imported samples");
        assertTrue(replayed.usageJsonl().contains("\"outcome\":\"proxy_lost\""));
        assertFalse(replayed.partials().isEmpty());
        assertTrue(replayed.tables().get("samples").size() < replayed.usageLines().size(), "retention pruned old samples");
    }
}
