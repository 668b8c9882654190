package dev.ccp.events.testing;

import dev.ccp.events.Event;
import dev.ccp.events.EventLog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A log of two team members, as a team projection sees it: ann's proxy ({@link CostLog}'s instance and
 * its four requests, 2026-01-01 00:01 to 00:04 UTC) and bob's proxy with one request at 00:05, a
 * claude-haiku-4-5 offloaded to zai as glm-4.6 with 1,000 input and 100 output tokens.
 */
public final class TwoMembersLog {
    public static final String ANN = "ann@one";
    public static final String BOB = "bob@two";
    public static final String BOB_INSTANCE = "px_bob";

    private TwoMembersLog() {
    }

    public static List<Event> events() {
        List<Event> out = new ArrayList<>();
        long t = CostLog.T0_US;
        out.add(new Event.ProxyStarted("m1", null, t, CostLog.INSTANCE, "test", "127.0.0.1", 0, 1, List.of(), ANN));
        out.add(new Event.ProxyStarted("m2", null, t + 1, BOB_INSTANCE, "test", "127.0.0.1", 0, 2, List.of(), BOB));
        out.addAll(CostLog.events());
        long b = t + 5 * 60_000_000L;
        String req = "req_bob_1";
        out.add(new Event.RequestReceived("b1", req, b, BOB_INSTANCE, "POST", "/v1/messages", null, "claude-haiku-4-5", false, 200,
                "x-api-key", "claude-cli/2.0", "s3", null, "gamma"));
        out.add(new Event.RouteDecided("b2", req, b + 10, BOB_INSTANCE, "model_route", "zai", "zai", "claude-haiku-4-5",
                "glm-4.6", "x-api-key", "fixture"));
        out.add(new Event.ResponseCompleted("b3", req, b + 300_000, BOB_INSTANCE, 200, "nonstream", 300_000, 30_000,
                1_000, 100, 0, 0, "end_turn", "h1", "ok", 1000, null));
        return out;
    }

    /** Appends the log to {@code queueDir}. */
    public static void write(Path queueDir) {
        try (EventLog log = EventLog.open(queueDir)) {
            for (Event e : events()) {
                log.append(e);
            }
        }
    }
}
