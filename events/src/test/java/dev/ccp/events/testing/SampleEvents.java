package dev.ccp.events.testing;

import dev.ccp.events.Event;

import java.util.List;

/** One event of every type, with every field set, for round trips and replay fixtures. */
public final class SampleEvents {
    private SampleEvents() {
    }

    public static List<Event> oneOfEach(long tsUs) {
        String inst = "px_test";
        String req = "req_000000000000000000000001";
        return List.of(
                new Event.ProxyStarted("e01", null, tsUs, inst, "0.1.0", "127.0.0.1", 8082, 4242, List.of("ZAI_API_KEY is not set")),
                new Event.ConfigChanged("e02", null, tsUs + 1, inst, "providers", "policy", true, "{\"routes\":1}", null),
                new Event.RequestReceived("e03", req, tsUs + 2, inst, "POST", "/v1/messages", "beta=true",
                        "claude-3-5-haiku-20241022", true, 512, "x-api-key", "claude-cli/2.0", "sess-1"),
                new Event.RouteDecided("e04", req, tsUs + 3, inst, "model_route", "zai", "zai",
                        "claude-3-5-haiku-20241022", "glm-4.5-air", "x-api-key", "route haiku"),
                new Event.UpstreamAttempt("e05", req, tsUs + 4, inst, 1, "zai", "https://api.z.ai/api/anthropic/v1/messages",
                        "h2", 200, 1500, "response", null),
                new Event.BodySampled("e06", req, tsUs + 5, inst, "request", "application/json", 512, false, "{\"model\":\"x\"}"),
                new Event.StreamPartial("e07", req, tsUs + 6, inst, 42, false, "event: message_start\ndata: {}\n\n"),
                new Event.ResponseCompleted("e08", req, tsUs + 7, inst, 200, "stream", 12_345, 2_000,
                        10, 20, 3, 4, "end_turn", "h2", "client_abort", 42, null),
                new Event.ImportedSample("e09", "req_legacy_1", tsUs + 8, "cli-import", "old/usage.jsonl", 7,
                        "claude-sonnet-4", "anthropic", "anthropic", "default_route", "nonstream", 200, "passthrough", "h1",
                        120.5, 80.25, 100, 200, 0, 50, "end_turn", "ok", 1),
                new Event.ProxyStopped("e10", null, tsUs + 9, inst, "SIGTERM"));
    }
}
