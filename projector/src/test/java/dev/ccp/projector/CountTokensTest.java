package dev.ccp.projector;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.projector.testing.ProjectionSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * count_tokens calls (op {@code count_tokens}) are recorded as their own op: they are samples of
 * their own, but no completion in quota_usage, so they count against no request cap and no
 * {@code cc usage} completions.
 */
class CountTokensTest {
    private static final long T = 1_767_225_600_000_000L;

    @TempDir
    Path dir;

    private static void request(EventLog log, String reqId, long t, String op) {
        log.append(new Event.RequestReceived(reqId + "a", reqId, t, "px", "POST",
                op.equals("count_tokens") ? "/v1/messages/count_tokens" : "/v1/messages", null, "claude-3-5-haiku-20241022",
                null, 1, "x-api-key", "cli", null));
        log.append(new Event.RouteDecided(reqId + "b", reqId, t + 1, "px", "model_route", "zai", "zai",
                "claude-3-5-haiku-20241022", null, "x-api-key", "haiku"));
        log.append(new Event.UpstreamAttempt(reqId + "c", reqId, t + 2, "px", 1, "zai", "u", "h1", 200, 5, "response", null));
        log.append(new Event.ResponseCompleted(reqId + "d", reqId, t + 3, "px", 200, op, 3, 2,
                op.equals("count_tokens") ? 0 : 10, op.equals("count_tokens") ? 0 : 20, 0, 0, null, "h1", "ok", 1, null));
    }

    @Test
    void countTokensCallsAreSamplesOfTheirOwnOpButNoCompletions() {
        CcpPaths paths = CcpPaths.under(dir);
        try (EventLog log = EventLog.open(paths.queueDir())) {
            request(log, "r1", T, "nonstream");
            request(log, "r2", T + 10, "count_tokens");
            request(log, "r3", T + 20, "count_tokens");
        }
        Projector.catchUp(paths, Set.of("sqlite"));
        var tables = ProjectionSnapshot.tables(paths.dbPath());
        assertEquals(List.of("1767225600|zai|claude-3-5-haiku-20241022|1|10|20|0|0|0"), tables.get("quota_usage"),
                "one completion: the two count_tokens calls are not requests against a cap");
        assertEquals(2, tables.get("samples").stream().filter(l -> l.contains("|count_tokens|")).count());
    }
}
