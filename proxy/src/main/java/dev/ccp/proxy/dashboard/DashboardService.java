package dev.ccp.proxy.dashboard;

import dev.ccp.events.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccp.events.EventLog;
import dev.ccp.policy.quota.QuotaStanding;
import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.proxy.http.LoopbackOnly;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.ProviderWindowsTable;
import dev.ccp.readmodel.dashboard.DashboardReader;
import dev.ccp.readmodel.dashboard.FeedFilter;
import dev.ccp.readmodel.dashboard.FinishedSample;
import dev.ccp.readmodel.dashboard.Money;
import dev.ccp.readmodel.dashboard.Freshness;
import dev.ccp.readmodel.dashboard.Overview;
import dev.ccp.readmodel.dashboard.Range;
import dev.ccp.readmodel.dashboard.ReadModelException;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dashboard, mounted at {@code /dashboard}: the page and its assets (the chart library from its
 * WebJar, nothing from the network), and the JSON it draws from, all read from the projections and,
 * for a request's event trail, from the event log. The proxy keeps no state for it.
 * <ul>
 *   <li>{@code GET /dashboard}: the page;</li>
 *   <li>{@code GET /dashboard/api/overview?range=hour|day|30d}: the panels of a range;</li>
 *   <li>{@code GET /dashboard/api/feed?lane=&model=&decision=&session=&status=&limit=}: the newest requests;</li>
 *   <li>{@code GET /dashboard/api/feed/stream?…&after=IDX:SEQ}: the requests finishing from now on (SSE);</li>
 *   <li>{@code GET /dashboard/api/requests/ID}: a request and its whole event trail;</li>
 *   <li>{@code GET /dashboard/api/statusline}: the one line {@code cc statusline} prints.</li>
 * </ul>
 * Loopback callers with a loopback {@code Host} only ({@link LoopbackOnly}); parameters it cannot read
 * are answered 400 as Anthropic shapes errors.
 */
public final class DashboardService implements HttpService {
    public static final String PATH = "/dashboard";
    /** The chart library's WebJar version (the {@code chartjs.version} of the parent pom). */
    static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.5.1/";
    static final int FEED_DEFAULT = 50;
    static final int FEED_MAX = 500;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration FRESHNESS_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(DashboardService.class.getName());
    private static final ObjectMapper JSON = Json.SNAKE_CASE;
    private static final Set<String> FILTERS = Set.of("lane", "model", "decision", "session", "status");
    private static final Map<String, Asset> ASSETS = Map.of(
            "dashboard.js", new Asset("dashboard/dashboard.js", "text/javascript; charset=utf-8"),
            "dashboard.css", new Asset("dashboard/dashboard.css", "text/css; charset=utf-8"),
            "chart.umd.min.js", new Asset(CHART_JS + "dist/chart.umd.min.js", "text/javascript; charset=utf-8"),
            "chart.js-LICENSE.md", new Asset(CHART_JS + "LICENSE.md", "text/plain; charset=utf-8"));

    private final DashboardReader reader;
    private final EventTrail trail;
    private final EventLog log;
    private final InstantSource clock;
    private final Supplier<String> defaultLane;
    private final Supplier<List<QuotaStanding>> quotas;
    private volatile boolean closed;

    /**
     * @param defaultLane the catalog's default provider now (requests served elsewhere are offloaded)
     * @param quotas      the quota standings now, for the statusline
     */
    public DashboardService(DashboardReader reader, EventLog log, InstantSource clock, Supplier<String> defaultLane,
                            Supplier<List<QuotaStanding>> quotas) {
        this.reader = reader;
        this.log = log;
        this.trail = new EventTrail(log);
        this.clock = clock;
        this.defaultLane = defaultLane;
        this.quotas = quotas;
    }

    /** Ends the open live feeds (the server is stopping). */
    public void close() {
        closed = true;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any((req, res) -> {
            var refusal = LoopbackOnly.refusal(req);
            if (refusal.isPresent()) {
                ApiErrors.send(res, 403, "permission_error", "the dashboard is " + refusal.get());
                return;
            }
            res.next();
        });
        rules.get("/", this::page)
                .get("/assets/{name}", this::asset)
                .get("/api/overview", guarded(this::overview))
                .get("/api/feed", guarded(this::feed))
                .get("/api/feed/stream", guarded(this::stream))
                .get("/api/requests/{id}", guarded(this::request))
                .get("/api/statusline", this::statusline)
                .any((req, res) -> ApiErrors.send(res, 404, "not_found_error",
                        "no such dashboard endpoint: " + req.prologue().method().text() + " " + req.path().path()));
    }

    private interface Handler {
        void handle(ServerRequest req, ServerResponse res) throws BadParameter;
    }

    private static io.helidon.webserver.http.Handler guarded(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (BadParameter e) {
                ApiErrors.send(res, 400, ApiErrors.INVALID_REQUEST, e.getMessage());
            } catch (ReadModelException e) {
                LOG.log(Level.WARNING, e.getMessage());
                ApiErrors.send(res, 500, ApiErrors.API_ERROR, e.getMessage());
            }
        };
    }

    private void page(ServerRequest req, ServerResponse res) {
        sendResource(res, "dashboard/index.html", "text/html; charset=utf-8");
    }

    private void asset(ServerRequest req, ServerResponse res) {
        Asset a = ASSETS.get(req.path().pathParameters().get("name"));
        if (a == null) {
            ApiErrors.send(res, 404, "not_found_error", "no such asset: " + req.path().path());
            return;
        }
        sendResource(res, a.resource(), a.contentType());
    }

    private void overview(ServerRequest req, ServerResponse res) throws BadParameter {
        UriQuery q = req.query();
        known(q, Set.of("range"));
        String r = optional(q, "range");
        Range range = r == null ? Range.HOUR : Range.parse(r).orElseThrow(() -> new BadParameter(
                "range must be one of " + Range.names() + ", not '" + r + "'"));
        Instant now = clock.instant();
        Overview o = reader.overview(range, now.getEpochSecond(), defaultLane.get());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("range", range.param());
        body.put("bucket_seconds", range.bucketSeconds());
        body.put("from", Instant.ofEpochSecond(o.fromS()).toString());
        body.put("to", Instant.ofEpochSecond(o.toS()).toString());
        body.put("from_s", o.fromS());
        body.put("to_s", o.toS());
        body.put("now", now.toString());
        body.put("default_lane", defaultLane.get());
        body.put("empty", o.totals().requests() == 0);
        body.put("totals", o.totals());
        body.put("lanes", o.lanes());
        body.put("lane_totals", o.laneTotals());
        body.put("decisions", o.decisions());
        body.put("limits", o.limits());
        body.put("detail_from_s", o.detailFromS());
        body.put("projector", projector(o.freshness()));
        body.put("money", money(reader.money(o.fromS()), now.getEpochSecond()));
        send(res, body);
    }

    private void feed(ServerRequest req, ServerResponse res) throws BadParameter {
        UriQuery q = req.query();
        known(q, union(FILTERS, Set.of("limit")));
        FeedFilter filter = filter(q);
        int limit = limit(q);
        // Taken before the rows: the live feed resumes after it, so nothing finishing meanwhile is missed.
        String cursor = reader.newest(FeedFilter.ALL, 1).stream().findFirst()
                .map(s -> s.index() + ":" + s.seq()).orElse("-1:0");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FinishedSample s : reader.newest(filter, limit)) {
            rows.add(row(s));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requests", rows);
        body.put("cursor", cursor);
        body.put("projector", projector(reader.freshness()));
        send(res, body);
    }

    private void stream(ServerRequest req, ServerResponse res) throws BadParameter {
        UriQuery q = req.query();
        known(q, union(FILTERS, Set.of("after")));
        FeedFilter filter = filter(q);
        long[] cursor = cursor(optional(q, "after"));
        if (cursor == null) {
            cursor = reader.newest(FeedFilter.ALL, 1).stream().findFirst()
                    .map(s -> new long[] {s.index(), s.seq()}).orElse(new long[] {-1, 0});
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        long lastFreshness = 0;
        try (OutputStream os = res.outputStream()) {
            os.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            while (!closed) {
                // Everything up to the newest row seen before the filtered read is visible to it:
                // the cursor can move there even when no row matched.
                long[] newest = reader.newest(FeedFilter.ALL, 1).stream().findFirst()
                        .map(s -> new long[] {s.index(), s.seq()}).orElse(cursor);
                List<FinishedSample> rows = reader.after(cursor[0], (int) cursor[1], filter, FEED_MAX);
                for (FinishedSample s : rows) {
                    event(os, "request", s.index() + ":" + s.seq(), row(s));
                    cursor = new long[] {s.index(), s.seq()};
                }
                if (rows.size() < FEED_MAX && compare(newest, cursor) > 0) {
                    cursor = newest;
                }
                long nowNanos = System.nanoTime();
                if (nowNanos - lastFreshness >= FRESHNESS_EVERY.toNanos()) {
                    event(os, "projector", null, projector(reader.freshness()));
                    lastFreshness = nowNanos;
                }
                os.flush();
                Thread.sleep(POLL);
            }
        } catch (IOException | UncheckedIOException e) {
            // The page went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ReadModelException e) {
            LOG.log(Level.WARNING, "live feed stopped: " + e.getMessage());
        }
    }

    private void request(ServerRequest req, ServerResponse res) throws BadParameter {
        known(req.query(), Set.of());
        String id = req.path().pathParameters().get("id");
        if (id == null || id.isBlank() || id.length() > 200) {
            throw new BadParameter("a request id is 1 to 200 characters");
        }
        var found = reader.request(id);
        if (found.isEmpty()) {
            ApiErrors.send(res, 404, "not_found_error", "no finished request " + id
                    + " in the projections (still running, older than the samples kept, or not projected yet)");
            return;
        }
        FinishedSample s = found.get();
        List<ObjectNode> events = trail.of(s);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request", row(s, reasonOf(events)));
        body.put("events", events);
        body.put("complete", !events.isEmpty());
        send(res, body);
    }

    private void statusline(ServerRequest req, ServerResponse res) {
        List<String> parts = new ArrayList<>();
        Instant now = clock.instant();
        long midnight = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        try {
            DashboardReader.Share share = reader.share(midnight, defaultLane.get());
            parts.add("ccp ▸ " + (share.lastLane() == null ? "ready" : share.lastLane()));
            if (share.requests() > 0) {
                parts.add("offload " + Math.round(100.0 * share.offloaded() / share.requests()) + "% today");
            }
        } catch (ReadModelException e) {
            parts.add("ccp ▸ ready");
        }
        Money money = null;
        try {
            money = reader.money(midnight);
        } catch (ReadModelException e) {
            money = null;
        }
        if (money != null) {
            money.windows().stream().filter(w -> w.provider().equals("anthropic")).findFirst()
                    .map(ProviderWindowsTable.Standing::fiveHour)
                    .filter(w -> w.utilization() != null && (w.resetS() == null || w.resetS() > now.getEpochSecond()))
                    .ifPresent(w -> parts.add("5h " + Math.round(100 * w.utilization()) + "%"));
        }
        quotas.get().stream().max(java.util.Comparator.comparingDouble(QuotaStanding::percent))
                .ifPresent(s -> parts.add(s.quota().name() + " " + Math.round(s.percent()) + "%"));
        // Savings only come from offloaded requests: none offloaded today, nothing to say.
        if (money != null && money.cost().total().offloaded() > 0) {
            parts.add("saved $" + CostTable.usd(money.cost().total().saved())
                    .setScale(2, java.math.RoundingMode.HALF_UP).toPlainString());
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send((String.join(" · ", parts) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Cost and savings of the range (exact dollars, as {@code /v1/usage/cost} gives them) and each
     * provider and credential's window standing; {@code available} false when there is neither.
     */
    private static Map<String, Object> money(Money m, long nowS) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("available", m.available());
        CostTable.Row t = m.cost().total();
        out.put("from", Instant.ofEpochSecond(m.fromHour()).toString());
        out.put("from_s", m.fromHour());
        out.put("requests", t.requests());
        out.put("offloaded", t.offloaded());
        out.put("unpriced_requests", t.unpriced());
        out.put("cost_usd", CostTable.usd(t.cost()));
        out.put("list_cost_usd", CostTable.usd(t.listCost()));
        out.put("saved_usd", CostTable.usd(t.saved()));
        List<Map<String, Object>> lanes = new ArrayList<>();
        for (CostTable.Row r : m.cost().rows()) {
            Map<String, Object> lane = new LinkedHashMap<>();
            lane.put("lane", r.key().isEmpty() ? null : r.key());
            lane.put("requests", r.requests());
            lane.put("unpriced_requests", r.unpriced());
            lane.put("cost_usd", CostTable.usd(r.cost()));
            lane.put("list_cost_usd", CostTable.usd(r.listCost()));
            lane.put("saved_usd", CostTable.usd(r.saved()));
            lanes.add(lane);
        }
        out.put("lanes", lanes);
        out.put("windows", m.windows().stream().map(w -> w.asMap(nowS)).toList());
        return out;
    }

    private Map<String, Object> projector(Freshness f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", f.database());
        m.put("applied_index", f.samplesIndex());
        m.put("applied_until", f.samplesTsUs() == null ? null
                : Instant.ofEpochSecond(0, f.samplesTsUs() * 1_000L).toString());
        Long lag = null;
        if (f.samplesIndex() != null) {
            try {
                lag = log.countAfter(f.samplesIndex());
            } catch (RuntimeException e) {
                lag = null;
            }
        } else if (f.database() || log.lastIndex() >= 0) {
            lag = log.countAfter(-1);
        }
        m.put("lag_events", lag);
        return m;
    }

    private Map<String, Object> row(FinishedSample s) {
        return row(s, trail.reason(s));
    }

    private static Map<String, Object> row(FinishedSample s, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.index() + ":" + s.seq());
        m.put("req_id", s.reqId());
        m.put("ts", Instant.ofEpochSecond(0, s.tsUs() * 1_000L).toString());
        m.put("model", s.model());
        m.put("upstream_model", s.upstreamModel());
        m.put("lane", s.lane());
        m.put("decision", s.decision());
        m.put("reason", reason);
        m.put("status", s.status());
        m.put("outcome", s.outcome());
        m.put("op", s.op());
        m.put("input_tokens", s.inputTokens());
        m.put("output_tokens", s.outputTokens());
        m.put("cache_creation_input_tokens", s.cacheCreationInputTokens());
        m.put("cache_read_input_tokens", s.cacheReadInputTokens());
        m.put("latency_ms", s.latencyMs());
        m.put("ttfb_ms", s.ttfbMs());
        m.put("attempts", s.attempts());
        m.put("session", s.sessionId());
        return m;
    }

    private static String reasonOf(List<ObjectNode> events) {
        for (ObjectNode e : events) {
            if ("RouteDecided".equals(e.path("type").asText()) && e.hasNonNull("reason")) {
                return e.get("reason").asText();
            }
        }
        return null;
    }

    private static FeedFilter filter(UriQuery q) throws BadParameter {
        String status = optional(q, "status");
        Integer code = null;
        if (status != null) {
            try {
                code = Integer.parseInt(status);
            } catch (NumberFormatException e) {
                code = -1;
            }
            if (code < 0 || code > 599) {
                throw new BadParameter("status must be an HTTP status from 0 to 599, not '" + status + "'");
            }
        }
        return new FeedFilter(text(q, "lane"), text(q, "model"), text(q, "decision"), text(q, "session"), code);
    }

    private static String text(UriQuery q, String name) throws BadParameter {
        String v = optional(q, name);
        if (v != null && (v.length() > 200 || v.chars().anyMatch(Character::isISOControl))) {
            throw new BadParameter(name + " must be at most 200 printable characters");
        }
        return v;
    }

    private static int limit(UriQuery q) throws BadParameter {
        String v = optional(q, "limit");
        if (v == null) {
            return FEED_DEFAULT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= FEED_MAX) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Answered below.
        }
        throw new BadParameter("limit must be a whole number from 1 to " + FEED_MAX + ", not '" + v + "'");
    }

    private static long[] cursor(String v) throws BadParameter {
        if (v == null) {
            return null;
        }
        String[] parts = v.split(":", -1);
        try {
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Integer.parseInt(parts[1])};
            }
        } catch (NumberFormatException ignored) {
            // Answered below.
        }
        throw new BadParameter("after must be the id of a feed row (INDEX:SEQ), not '" + v + "'");
    }

    private static int compare(long[] a, long[] b) {
        int c = Long.compare(a[0], b[0]);
        return c != 0 ? c : Long.compare(a[1], b[1]);
    }

    private static void known(UriQuery q, Set<String> allowed) throws BadParameter {
        for (String name : q.names()) {
            if (!allowed.contains(name)) {
                throw new BadParameter("unknown parameter '" + name + "'"
                        + (allowed.isEmpty() ? "; this endpoint takes none" : "; known: " + String.join(", ", allowed.stream().sorted().toList())));
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    private static String optional(UriQuery q, String name) throws BadParameter {
        if (!q.contains(name)) {
            return null;
        }
        List<String> all = q.all(name);
        if (all.size() > 1) {
            throw new BadParameter(name + " is given " + all.size() + " times; give it once");
        }
        String v = all.getFirst().trim();
        return v.isEmpty() ? null : v;
    }

    private static void event(OutputStream os, String name, String id, Object data) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n');
        sb.append("data: ").append(JSON.writeValueAsString(data)).append("\n\n");
        os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(ServerResponse res, Object body) {
        try {
            res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(HeaderNames.CACHE_CONTROL, "no-store").send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sendResource(ServerResponse res, String resource, String contentType) {
        try (InputStream in = DashboardService.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                ApiErrors.send(res, 500, ApiErrors.API_ERROR, "the dashboard's " + resource + " is missing from the build");
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Asset(String resource, String contentType) {
    }

    private static final class BadParameter extends Exception {
        BadParameter(String message) {
            super(message, null, false, false);
        }
    }
}
