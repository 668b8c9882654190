package dev.ccp.events.testing;

import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.RateLimits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A log whose costs are known to the pico-dollar, with the price table that prices it. Four requests
 * on 2026-01-01 (UTC), written as the proxy writes them:
 * <ol>
 *   <li>s1/alpha: claude-sonnet-4-5 on anthropic, 1,000 in, 2,000 out, 10,000 cache write of which 4,000 to the
 *       1-hour cache, 50,000 cache read: 3,000 + 30,000 + 6,000 × 3.75 + 4,000 × 6 + 15,000 µ$
 *       = 3,000 + 30,000 + 22,500 + 24,000 + 15,000 µ$ = 0.0945 (list the same; 0.0855 if all writes were 5-minute)</li>
 *   <li>s1/alpha: claude-sonnet-4-5 on anthropic, 150,000 in + 60,000 cache read (above 200k), 1,000 out:
 *       900,000 + 36,000 + 22,500 µ$ at the higher tier = 0.9585 (list the same)</li>
 *   <li>s2/beta: claude-haiku-4-5 offloaded to zai as glm-4.6, 100,000 in, 10,000 out:
 *       cost 60,000 + 22,000 µ$ = 0.082, list 100,000 + 50,000 µ$ = 0.15, saved 0.068</li>
 *   <li>s2/beta: claude-mystery-1 on anthropic, 10 in, 10 out: no price, cost and list cost null</li>
 * </ol>
 * Totals: cost 1.135 over 3 priced requests, list 1.203, saved 0.068, 1 unpriced. With zai's rates
 * doubled ({@link #PRICES_ZAI_DOUBLED}) only request 3's cost changes: 0.164, saved −0.014. The
 * sonnet answers carry Anthropic's plan-window headers: 5h utilisation 0.42 then 0.93.
 */
public final class CostLog {
    /** 2026-01-01T00:00:00Z. */
    public static final long T0_US = 1_767_225_600_000_000L;
    public static final String INSTANCE = "px_costlog";
    /** The credential fingerprint the fixture's Anthropic attempts carry. */
    public static final String CREDENTIAL = "cred_0123456789ab";

    public static final String PRICES = """
            prices:
              - provider: anthropic
                match: claude-sonnet-4-5
                effective_from: 2025-09-29
                source: test fixture
                input: 3
                output: 15
                cache_write_5m: 3.75
                cache_write_1h: 6
                cache_read: 0.30
                above_200k: {input: 6, output: 22.50, cache_write_5m: 7.50, cache_write_1h: 12, cache_read: 0.60}
              - provider: anthropic
                match: claude-haiku-4-5
                effective_from: 2025-10-15
                input: 1
                output: 5
                cache_write_5m: 1.25
                cache_write_1h: 2
                cache_read: 0.10
              - provider: zai
                match: glm-4.6
                effective_from: 2025-09-30
                input: %s
                output: %s
                cache_read: 0.11
            """;
    public static final String PRICES_AS_LISTED = PRICES.formatted("0.60", "2.20");
    public static final String PRICES_ZAI_DOUBLED = PRICES.formatted("1.20", "4.40");

    private CostLog() {
    }

    public static List<Event> events() {
        List<Event> out = new ArrayList<>();
        request(out, 1, "s1", "alpha", "claude-sonnet-4-5", "anthropic", null, "default_route", 1_000, 2_000, 10_000, 4_000, 50_000, 0.42);
        request(out, 2, "s1", "alpha", "claude-sonnet-4-5", "anthropic", null, "default_route", 150_000, 1_000, 0, 0, 60_000, 0.93);
        request(out, 3, "s2", "beta", "claude-haiku-4-5", "zai", "glm-4.6", "model_route", 100_000, 10_000, 0, 0, 0, null);
        request(out, 4, "s2", "beta", "claude-mystery-1", "anthropic", null, "default_route", 10, 10, 0, 0, 0, null);
        return out;
    }

    private static void request(List<Event> out, int n, String session, String project, String model, String provider,
                                String upstreamModel, String decision, long in, long outTokens, long cacheWrite,
                                long cacheWrite1h, long cacheRead, Double fiveHour) {
        String req = "req_cost_" + n;
        long t = T0_US + n * 60_000_000L;
        out.add(new Event.RequestReceived("c" + n + "a", req, t, INSTANCE, "POST", "/v1/messages", null, model, true, 300,
                "x-api-key", "claude-cli/2.0", session, null, project));
        out.add(new Event.RouteDecided("c" + n + "b", req, t + 10, INSTANCE, decision, provider, provider, model,
                upstreamModel == null ? model : upstreamModel, provider.equals("zai") ? "x-api-key" : "passthrough", "fixture"));
        RateLimits limits = fiveHour == null ? null : new RateLimits("allowed", 1_767_243_600L, "five_hour",
                new RateLimits.Window(fiveHour >= 0.9 ? "allowed_warning" : "allowed", fiveHour, 1_767_243_600L),
                new RateLimits.Window("allowed", 0.25, 1_767_830_400L), null, null, null, null, 0);
        out.add(new Event.UpstreamAttempt("c" + n + "c", req, t + 20, INSTANCE, 1, provider, "http://127.0.0.1/v1/messages",
                "h1", 200, 100_000, "response", null, limits == null ? null : CREDENTIAL, limits));
        out.add(new Event.ResponseCompleted("c" + n + "d", req, t + 500_000, INSTANCE, 200, "stream", 500_000, 40_000,
                in, outTokens, cacheWrite, cacheRead, "end_turn", "h1", "ok", 1000, null, cacheWrite1h == 0 ? null : cacheWrite1h));
    }

    /** Appends the fixture to the log in {@code queueDir}. */
    public static void write(Path queueDir) {
        try (EventLog log = EventLog.open(queueDir)) {
            for (Event e : events()) {
                log.append(e);
            }
        }
    }

    /** Writes {@code configs/prices.yaml} under {@code home}. */
    public static Path writePrices(Path home, String yaml) {
        try {
            Path f = home.resolve("configs").resolve("prices.yaml");
            Files.createDirectories(f.getParent());
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
