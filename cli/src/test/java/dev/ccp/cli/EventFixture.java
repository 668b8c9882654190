package dev.ccp.cli;

import dev.ccp.events.CcpPaths;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.testkit.ModuleJars;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A known event log for command tests: requests written as the proxy writes them (RequestReceived,
 * RouteDecided, UpstreamAttempt, ResponseCompleted) into a real Chronicle queue, then projected by the
 * real projector ({@link Projector#catchUp}).
 */
public final class EventFixture {
    private static final String INSTANCE = "px_fixture";
    private final CcpPaths paths;
    private final List<Event> events = new ArrayList<>();
    private long tsUs;
    private int seq;

    public EventFixture(CcpPaths paths, Instant start) {
        this.paths = paths;
        this.tsUs = start.getEpochSecond() * 1_000_000L;
    }

    /** One finished request, one second after the previous one. */
    public EventFixture request(String model, String lane, String decision, String headerMode, int status,
                                long inputTokens, long outputTokens) {
        String req = "req_fx_" + (++seq);
        tsUs += 1_000_000L;
        long t = tsUs;
        events.add(new Event.RequestReceived("e" + seq + "a", req, t, INSTANCE, "POST", "/v1/messages", "beta=true",
                model, true, 300, "x-api-key", "claude-cli/2.0", null));
        events.add(new Event.RouteDecided("e" + seq + "b", req, t + 10, INSTANCE, decision, lane, lane, model, model,
                headerMode, "fixture"));
        events.add(new Event.UpstreamAttempt("e" + seq + "c", req, t + 20, INSTANCE, 1, lane, "http://127.0.0.1/v1/messages",
                "h1", status, 100_000, "response", null));
        events.add(new Event.ResponseCompleted("e" + seq + "d", req, t + 250_000, INSTANCE, status, "stream", 250_000,
                40_000, inputTokens, outputTokens, 0, 5, "end_turn", "h1", status < 400 ? "ok" : "upstream_error",
                1000, null));
        return this;
    }

    public EventFixture haikuOnZai() {
        return request("claude-3-5-haiku-20241022", "zai", "model_route", "x-api-key", 200, 100, 50);
    }

    public EventFixture sonnetOnAnthropic() {
        return request("claude-sonnet-4-5", "anthropic", "default_route", "passthrough", 200, 1000, 200);
    }

    /** Appends the events to the log (real Chronicle queue) and builds every projection (the projector's jar, as a process). */
    public EventFixture project() {
        write();
        ModuleJars.projectOnce(paths);
        return this;
    }

    /** Appends the events to the log only. */
    public EventFixture write() {
        try (EventLog log = EventLog.open(paths.queueDir())) {
            events.forEach(log::append);
        }
        events.clear();
        return this;
    }
}
