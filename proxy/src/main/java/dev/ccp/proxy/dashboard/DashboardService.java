package dev.ccp.proxy.dashboard;

import dev.ccp.proxy.readside.ReadQuery.BadParameter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccp.events.EventLog;
import dev.ccp.policy.quota.QuotaStanding;
import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.proxy.http.LoopbackOnly;
import dev.ccp.readmodel.dashboard.DashboardReader;
import dev.ccp.readmodel.dashboard.FinishedSample;
import dev.ccp.readmodel.dashboard.Overview;
import dev.ccp.readmodel.dashboard.Range;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static dev.ccp.proxy.dashboard.DashboardJson.guarded;
import static dev.ccp.proxy.dashboard.DashboardJson.send;
import static dev.ccp.proxy.dashboard.DashboardQuery.known;
import static dev.ccp.proxy.readside.ReadQuery.optional;

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
 * are answered 400 as Anthropic shapes errors. The feed ({@link LiveFeedService}) and the statusline
 * ({@link StatuslineService}) are services of their own, mounted here behind the same loopback guard;
 * the JSON shapes are in {@link DashboardJson}, the parameters in {@link DashboardQuery}.
 */
public final class DashboardService implements HttpService {
    public static final String PATH = "/dashboard";
    /** The chart library's WebJar version (the {@code chartjs.version} of the parent pom). */
    static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.5.1/";
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
    private final LiveFeedService feed;
    private final StatuslineService statusline;

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
        this.feed = new LiveFeedService(reader, trail, log);
        this.statusline = new StatuslineService(reader, clock, defaultLane, quotas);
    }

    /** Ends the open live feeds (the server is stopping). */
    public void close() {
        feed.close();
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
                .register("/api/feed", feed)
                .get("/api/requests/{id}", guarded(this::request))
                .register("/api/statusline", statusline)
                .any((req, res) -> ApiErrors.send(res, 404, "not_found_error",
                        "no such dashboard endpoint: " + req.prologue().method().text() + " " + req.path().path()));
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
        body.put("projector", DashboardJson.projector(o.freshness(), log));
        body.put("money", DashboardJson.money(reader.money(o.fromS()), now.getEpochSecond()));
        send(res, body);
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
        body.put("request", DashboardJson.row(s, DashboardJson.reasonOf(events)));
        body.put("events", events);
        body.put("complete", !events.isEmpty());
        send(res, body);
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

}
