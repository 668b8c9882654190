package dev.ccp.projector.testing;

import dev.ccp.events.Event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Deterministic synthetic proxy traffic for tests and the replay benchmark: requests of three models
 * over two lanes, interleaved a few at a time, with streams, reroutes on 429, client aborts with a
 * {@code StreamPartial}, imported samples, config changes, proxy restarts that leave requests in
 * flight (closed as {@code proxy_lost}) and, optionally, unreadable documents.
 */
public final class SyntheticTraffic {
    public static final long T0_US = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

    /** One thing to append: an event, or raw bytes that are not a readable event. */
    public sealed interface Item {
    }

    public record Ev(Event event) implements Item {
    }

    public record Raw(byte[] json) implements Item {
    }

    private final SplittableRandom random;
    private final long stepUs;
    private final int restartEvery;
    private final int unreadableEvery;
    private final String tag;
    private long clock = T0_US;
    private long eventSeq;
    private int instanceSeq;
    private String instance;

    /**
     * @param seed            the same seed gives the same traffic
     * @param stepUs          mean event-time step between events
     * @param restartEvery    a proxy restart every this many requests (0 = never)
     * @param unreadableEvery an unreadable document every this many requests (0 = never)
     */
    public SyntheticTraffic(long seed, long stepUs, int restartEvery, int unreadableEvery, String tag) {
        this.random = new SplittableRandom(seed);
        this.stepUs = stepUs;
        this.restartEvery = restartEvery;
        this.unreadableEvery = unreadableEvery;
        this.tag = tag;
    }

    private final class Flight {
        final String reqId;
        final String model;
        final boolean stream;
        int stage;
        final boolean limited = random.nextInt(20) == 0;
        final boolean abort = random.nextInt(30) == 0;

        Flight(long n) {
            reqId = "req_" + tag + "_" + n;
            int m = random.nextInt(10);
            model = m < 5 ? "claude-3-5-haiku-20241022" : m < 9 ? "claude-sonnet-4-5" : "claude-opus-4-1";
            stream = random.nextInt(5) != 0;
        }

        boolean haiku() {
            return model.contains("haiku");
        }
    }

    /** Emits {@code requests} requests (and the events around them) to {@code sink}. */
    public void generate(long requests, Consumer<Item> sink) {
        List<Flight> flying = new ArrayList<>();
        startInstance(sink);
        long started = 0;
        while (started < requests || !flying.isEmpty()) {
            boolean start = started < requests && (flying.size() < 2 || (flying.size() < 6 && random.nextInt(3) == 0));
            if (start) {
                long n = started++;
                if (restartEvery > 0 && n > 0 && n % restartEvery == 0) {
                    // The proxy died: what was in flight is never finished.
                    flying.clear();
                    startInstance(sink);
                }
                if (unreadableEvery > 0 && n % unreadableEvery == unreadableEvery - 1) {
                    sink.accept(new Raw((n / unreadableEvery) % 2 == 0
                            ? "{\"type\":\"RequestReceived\",\"v\":1,\"id\":".getBytes(StandardCharsets.UTF_8)
                            : ("{\"type\":\"FromTheFuture\",\"v\":1,\"id\":\"x" + n + "\"}").getBytes(StandardCharsets.UTF_8)));
                }
                if (n % 997 == 500) {
                    sink.accept(new Ev(new Event.ConfigChanged(id(), null, tick(), instance, "quotas", "configs/quotas.yaml",
                            true, "{\"rules\":1}", null)));
                }
                if (n % 101 == 50) {
                    sink.accept(new Ev(imported(n)));
                }
                Flight f = new Flight(n);
                flying.add(f);
                advance(f, sink);
            } else {
                Flight f = flying.get(random.nextInt(flying.size()));
                if (advance(f, sink)) {
                    flying.remove(f);
                }
            }
        }
    }

    private void startInstance(Consumer<Item> sink) {
        instance = "px_" + tag + "_" + (instanceSeq++);
        sink.accept(new Ev(new Event.ProxyStarted(id(), null, tick(), instance, "0.1.0", "127.0.0.1", 8082, 1000 + instanceSeq,
                List.of())));
    }

    /** Emits the next event of a request; true when it finished. */
    private boolean advance(Flight f, Consumer<Item> sink) {
        long ts = tick();
        String lane = f.haiku() && !f.limited ? "zai" : "anthropic";
        String headerMode = lane.equals("zai") ? (f.reqId.hashCode() % 3 == 0 ? "authorization" : "x-api-key") : "passthrough";
        switch (f.stage++) {
            case 0 -> sink.accept(new Ev(new Event.RequestReceived(id(), f.reqId, ts, instance, "POST", "/v1/messages",
                    "beta=true", f.model, f.stream, 800 + random.nextInt(4000), "x-api-key", "claude-cli/2.0.14", "sess")));
            case 1 -> {
                String decision = f.limited ? "rerouted_on_limit" : f.haiku() ? "model_route" : "default_route";
                sink.accept(new Ev(new Event.RouteDecided(id(), f.reqId, ts, instance, decision, lane, lane, f.model,
                        lane.equals("zai") ? "glm-4.5-air" : f.model, headerMode, decision)));
            }
            case 2 -> {
                if (f.limited) {
                    sink.accept(new Ev(new Event.UpstreamAttempt(id(), f.reqId, ts, instance, 1, "zai",
                            "https://api.z.ai/api/anthropic/v1/messages", "h2", random.nextInt(4) == 0 ? 529 : 429,
                            40_000, "rerouted", "rate_limit_error")));
                    ts = tick();
                }
                sink.accept(new Ev(new Event.UpstreamAttempt(id(), f.reqId, ts, instance, f.limited ? 2 : 1, lane,
                        lane.equals("zai") ? "https://api.z.ai/api/anthropic/v1/messages" : "https://api.anthropic.com/v1/messages",
                        lane.equals("zai") ? "h1" : "h2", 200, 100_000 + random.nextInt(900_000), "response", null)));
            }
            default -> {
                long latency = 50_000 + random.nextInt(3_000_000);
                long ttfb = f.abort && random.nextBoolean() ? -1 : Math.min(latency, 20_000 + random.nextInt(400_000));
                if (f.abort && f.stream) {
                    sink.accept(new Ev(new Event.StreamPartial(id(), f.reqId, ts, instance, 120, false,
                            "event: message_start\ndata: {\"type\":\"message_start\",\"id\":\"" + f.reqId + "\"}\n\n"
                                    + "event: content_block_delta\ndata: {\"text\":\"partial ü " + random.nextInt(1000) + "\"}\n\n")));
                    ts = tick();
                }
                long in = 10 + random.nextInt(5000);
                long out = f.abort ? 0 : 1 + random.nextInt(2000);
                sink.accept(new Ev(new Event.ResponseCompleted(id(), f.reqId, ts, instance, f.abort ? 200 : (random.nextInt(50) == 0 ? 500 : 200),
                        f.stream ? "stream" : "nonstream", latency, ttfb, in, out, random.nextInt(4) == 0 ? 2048 : 0,
                        random.nextInt(3) == 0 ? 1024 : 0, f.abort ? null : "end_turn", lane.equals("zai") ? "h1" : "h2",
                        f.abort ? "client_abort" : "ok", 4096, null)));
                return true;
            }
        }
        return false;
    }

    private Event.ImportedSample imported(long n) {
        return new Event.ImportedSample(id(), "req_imported_" + tag + "_" + n, tick() - 3_600_000_000L, "cli-import",
                "old/usage.jsonl", n, "claude-3-5-haiku-20241022", "zai", "zai", "model_route", "stream",
                n % 7 == 0 ? 429 : 200, "x-api-key", "h1", 812.5, 120.25, 100, 50, 0, 0, "end_turn",
                n % 7 == 0 ? "upstream_error" : "ok", 1);
    }

    private long tick() {
        clock += 1 + random.nextLong(2 * stepUs);
        return clock;
    }

    private String id() {
        return "ev_" + tag + "_" + (eventSeq++);
    }
}
