package dev.ccp.projector;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.projector.metrics.ProjectorMetrics;
import dev.ccp.projector.testing.ProjectionSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CCP_ROLLUP_INTERVAL paces rollups while following; quota minutes and samples are never held back. */
class RollupPacingTest {
    private static final long T = 1_767_225_600_000_000L;

    @TempDir
    Path dir;

    @Test
    void whileFollowingRollupsWaitForTheIntervalButSamplesAndQuotaMinutesDoNotAndOnceCatchesThemUp() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        Settings settings = Settings.DEFAULTS.withRollupInterval(Duration.ofHours(1));
        try (EventLog log = EventLog.open(paths.queueDir())) {
            log.append(new Event.RequestReceived("a1", "r1", T, "px", "POST", "/v1/messages", null, "claude-3-5-haiku-20241022",
                    true, 1, "x-api-key", "cli", null));
            log.append(new Event.RouteDecided("a2", "r1", T + 1, "px", "model_route", "zai", "zai", "claude-3-5-haiku-20241022",
                    "glm-4.5-air", "x-api-key", "haiku"));
            log.append(new Event.UpstreamAttempt("a3", "r1", T + 2, "px", 1, "zai", "u", "h1", 429, 5, "retried", "rate_limit_error"));
            log.append(new Event.UpstreamAttempt("a4", "r1", T + 3, "px", 2, "zai", "u", "h1", 200, 5, "response", null));
            log.append(new Event.ResponseCompleted("a5", "r1", T + 61_000_000, "px", 200, "stream", 61_000_000, 1_000, 10, 20, 30, 40,
                    "end_turn", "h1", "ok", 1, null));
        }
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Summary> following = CompletableFuture.supplyAsync(() -> Projector.follow(paths, Set.of("sqlite"),
                settings, false, Progress.NONE, new ProjectorMetrics(() -> 0), stop::get));
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> ProjectionSnapshot.tables(paths.dbPath()).get("samples").size() == 1);
            var tables = ProjectionSnapshot.tables(paths.dbPath());
            assertEquals(List.of(), tables.get("rollup_hour"), "not published before the interval");
            assertEquals(List.of(
                    "1767225600|zai|claude-3-5-haiku-20241022|0|0|0|0|0|1",
                    "1767225660|zai|claude-3-5-haiku-20241022|1|10|20|30|40|0"), tables.get("quota_usage"),
                    "the 429 counts in the minute it was answered; the request in the minute it finished");
        } finally {
            stop.set(true);
            following.get();
        }
        Projector.catchUp(paths, Set.of("sqlite"), settings, Progress.NONE);
        List<String> hour = ProjectionSnapshot.tables(paths.dbPath()).get("rollup_hour");
        assertEquals(1, hour.size());
        // p50 = p95 = the highest value of the HdrHistogram bucket holding the request's latency (within 0.05 %).
        assertTrue(hour.getFirst().startsWith("1767225600|claude-3-5-haiku-20241022|zai|1|0|10|20|30|40|61014.015|61014.015|"),
                hour.getFirst());
    }
}
