package dev.ccp.projector;

import dev.ccp.readmodel.ProjectionStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.projector.checkpoint.ProjectionLock;
import dev.ccp.projector.testing.ProjectionSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restarts continue exactly where the checkpoints say: no line twice, none missing. */
class ExactlyOnceTest {
    private static final long T = 1_767_225_600_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Settings SETTINGS = Settings.DEFAULTS.withRollupInterval(Duration.ZERO);

    @TempDir
    Path dir;

    private static void request(EventLog log, String req, long ts, String instance, boolean finish) {
        log.append(new Event.RequestReceived(req + "-1", req, ts, instance, "POST", "/v1/messages", null,
                "claude-3-5-haiku-20241022", true, 10, "x-api-key", "cli", null));
        log.append(new Event.RouteDecided(req + "-2", req, ts + 1, instance, "model_route", "zai", "zai",
                "claude-3-5-haiku-20241022", "glm-4.5-air", "x-api-key", "haiku"));
        if (finish) {
            finish(log, req, ts + 1_000, instance);
        }
    }

    private static void finish(EventLog log, String req, long ts, String instance) {
        log.append(new Event.ResponseCompleted(req + "-3", req, ts, instance, 200, "stream", 999, 10, 1, 2, 3, 4,
                "end_turn", "h1", "ok", 10, null));
    }

    @Test
    void outputWrittenAfterTheLastCheckpointByAKilledRunIsCutBackAndWrittenOnce() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            log.append(new Event.ProxyStarted("s", null, T, "px1", "0.1.0", "127.0.0.1", 8082, 1, List.of()));
            request(log, "r1", T + 10, "px1", true);
            log.append(new Event.StreamPartial("p1", "r1", T + 20, "px1", 5, false, "hello"));
            Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);

            // What a run killed between writing and committing leaves behind.
            Files.writeString(paths.usageJsonl(), "{\"ts\":\"half a line", StandardOpenOption.APPEND);
            Files.writeString(paths.partialsDir().resolve("r1.partial"), " uncommitted", StandardOpenOption.APPEND);

            request(log, "r2", T + 30, "px1", true);
            log.append(new Event.StreamPartial("p2", "r1", T + 40, "px1", 5, false, " world"));
            Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
        }
        ProjectionSnapshot incremental = ProjectionSnapshot.of(paths);
        List<String> lines = incremental.usageLines();
        assertEquals(2, lines.size(), incremental.usageJsonl());
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            assertTrue(ids.add(JSON.readTree(line).get("req_id").asText()), "no line twice: " + line);
        }
        assertEquals("hello world", incremental.partials().get("r1.partial"));

        Projector.rebuild(paths, Set.of(), SETTINGS, Progress.NONE);
        assertEquals(incremental, ProjectionSnapshot.of(paths));
    }

    @Test
    void aScoreboardFileTrailingItsCheckpointAfterAKillIsRewrittenFromTheCheckpointOnRestart() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r1", T, "px1", true);
            Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
            String trailing = Files.readString(paths.metricsJson());

            request(log, "r2", T + 10, "px1", true);
            Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
            // What a follower killed after committing its checkpoint but before its paced rewrite of
            // METRICS.json leaves behind: the scoreboard of an earlier commit.
            Files.writeString(paths.metricsJson(), trailing);
        }
        Summary restart = Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
        assertEquals(0, restart.applied(), "nothing left to apply");
        ProjectionSnapshot restarted = ProjectionSnapshot.of(paths);
        assertEquals(2, JSON.readTree(restarted.metricsJson()).at("/total/count").asLong(), restarted.metricsJson());

        Projector.rebuild(paths, Set.of(), SETTINGS, Progress.NONE);
        assertEquals(restarted, ProjectionSnapshot.of(paths));
    }

    @Test
    void aRequestOpenAtACheckpointIsJoinedWithItsEarlierEventsAfterARestart() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r1", T, "px1", false);
            assertEquals(2, Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE).applied());
            assertFalse(Files.readString(paths.usageJsonl()).contains("r1"));
            finish(log, "r1", T + 2_000_000, "px1");
            assertEquals(1, Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE).applied());
        }
        JsonNode line = JSON.readTree(Files.readString(paths.usageJsonl()));
        assertEquals("claude-3-5-haiku-20241022", line.get("model").asText());
        assertEquals("zai", line.get("lane").asText());
        assertEquals("model_route", line.get("decision").asText());
        assertEquals("ok", line.get("outcome").asText());
    }

    @Test
    void aRequestOpenLongerThanTheLostAgeInEventTimeIsClosedAsProxyLostAndItsLateAnswerIsNotCountedTwice() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        Settings settings = new Settings(Duration.ofDays(7), Duration.ZERO, Duration.ofMinutes(10), 100);
        Summary last;
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "old", T, "px1", false);
            request(log, "young", T + 9 * 60_000_000L, "px1", true);
            Projector.catchUp(paths, Set.of(), settings, Progress.NONE);
            assertEquals(1, ProjectionSnapshot.of(paths).usageLines().size(), "ten minutes have not passed in event time");

            request(log, "later", T + 11 * 60_000_000L, "px1", true);
            finish(log, "old", T + 12 * 60_000_000L, "px1");
            last = Projector.catchUp(paths, Set.of(), settings, Progress.NONE);
        }
        List<String> lines = ProjectionSnapshot.of(paths).usageLines();
        assertEquals(3, lines.size(), String.join("\n", lines));
        JsonNode lost = JSON.readTree(lines.get(1));
        assertEquals("old", lost.get("req_id").asText());
        assertEquals("proxy_lost", lost.get("outcome").asText());
        assertEquals(0, lost.get("status").asInt());
        assertEquals(1, last.orphaned(), "the late completion is counted as orphaned, not projected");
    }

    @Test
    void eachProjectionKeepsItsOwnCheckpointSoASubsetCanRunAndTheRestCatchUpLater() {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r1", T, "px1", true);
            request(log, "r2", T + 5_000, "px1", true);
        }
        Projector.catchUp(paths, Set.of("metrics"), SETTINGS, Progress.NONE);
        assertFalse(Files.exists(paths.usageJsonl()));
        assertTrue(Files.exists(paths.metricsJson()));
        List<ProjectionStatus> status = Projector.status(paths);
        assertEquals(List.of("metrics"), status.stream().map(ProjectionStatus::name).toList());
        assertEquals(0, status.getFirst().lag());
        assertEquals(6, status.getFirst().events());

        Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
        ProjectionSnapshot all = ProjectionSnapshot.of(paths);
        assertEquals(2, all.usageLines().size());
        assertEquals(2, all.tables().get("samples").size());
        for (ProjectionStatus s : Projector.status(paths)) {
            assertEquals(0, s.lag(), s.name());
        }
    }

    @Test
    void aRebuildOfAProjectionBeingBuiltByAnotherProcessIsRefusedWithAClearMessage() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        Files.createDirectories(paths.logDir());
        try (ProjectionLock held = ProjectionLock.tryAcquire(paths.dbPath(), "sqlite").orElseThrow()) {
            ProjectionBusyException e = assertThrows(ProjectionBusyException.class,
                    () -> Projector.rebuild(paths, Set.of("sqlite"), SETTINGS, Progress.NONE));
            assertTrue(e.getMessage().contains("projection sqlite is being built by another projector process"), e.getMessage());
        }
    }

    @Test
    void aCatchUpOfProjectionsAnotherProcessFollowsWaitsForThatProcessToReachTheEndOfTheLog() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r1", T, "px1", true);
        }
        Summary waited;
        java.util.concurrent.CompletableFuture<Summary> waiting;
        try (ProjectionLock held = ProjectionLock.tryAcquire(paths.dbPath(), "metrics").orElseThrow()) {
            waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> Projector.catchUp(paths, Set.of("metrics"), SETTINGS, Progress.NONE));
            org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> !waiting.isDone());
        }
        // The "other process" (here: this thread, now holding the lock) catches up.
        assertEquals(3, Projector.catchUp(paths, Set.of("metrics"), SETTINGS, Progress.NONE).applied());
        waited = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, waited.applied());
        assertTrue(Files.readString(paths.metricsJson()).contains("\"count\": 1"));
    }

    @Test
    void aCheckpointTheLogNoLongerHoldsAsksForARebuildInOneLine() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r1", T, "px1", true);
            request(log, "r2", T + 10, "px1", true);
        }
        Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE);
        try (var files = Files.walk(paths.queueDir())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r3", T + 20, "px1", true);
        }
        ProjectorException e = assertThrows(ProjectorException.class,
                () -> Projector.catchUp(paths, Set.of(), SETTINGS, Progress.NONE));
        assertTrue(e.getMessage().endsWith("is not in the log at " + paths.queueDir() + "; run bin/ccp-projector --rebuild"),
                e.getMessage());
        Projector.rebuild(paths, Set.of(), SETTINGS, Progress.NONE);
        assertEquals(1, ProjectionSnapshot.of(paths).usageLines().size());
    }
}
