package dev.ccp.proxy.dashboard;

import dev.ccp.events.EventLog;
import dev.ccp.proxy.readside.ReadQuery;
import dev.ccp.proxy.readside.ReadQuery.BadParameter;
import dev.ccp.readmodel.dashboard.DashboardReader;
import dev.ccp.readmodel.dashboard.FeedFilter;
import dev.ccp.readmodel.dashboard.FinishedSample;
import dev.ccp.readmodel.dashboard.ReadModelException;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.ccp.proxy.dashboard.DashboardJson.event;
import static dev.ccp.proxy.dashboard.DashboardJson.guarded;
import static dev.ccp.proxy.dashboard.DashboardJson.send;
import static dev.ccp.proxy.dashboard.DashboardQuery.FILTERS;
import static dev.ccp.proxy.dashboard.DashboardQuery.compare;
import static dev.ccp.proxy.dashboard.DashboardQuery.cursor;
import static dev.ccp.proxy.dashboard.DashboardQuery.filter;
import static dev.ccp.proxy.dashboard.DashboardQuery.known;
import static dev.ccp.proxy.dashboard.DashboardQuery.union;
import static dev.ccp.proxy.readside.ReadQuery.optional;

/**
 * The dashboard's feed of finished requests: {@code /api/feed} (the newest, filtered) and
 * {@code /api/feed/stream} (those finishing from a cursor on, as server-sent events, polled from the
 * read model until the page goes away or the proxy stops).
 */
final class LiveFeedService implements HttpService {
    static final int FEED_DEFAULT = 50;
    static final int FEED_MAX = 500;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration FRESHNESS_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(LiveFeedService.class.getName());

    private final DashboardReader reader;
    private final EventTrail trail;
    private final EventLog log;
    private volatile boolean closed;

    LiveFeedService(DashboardReader reader, EventTrail trail, EventLog log) {
        this.reader = reader;
        this.trail = trail;
        this.log = log;
    }

    /** Ends the open live feeds (the server is stopping). */
    void close() {
        closed = true;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", guarded(this::feed))
                .get("/stream", guarded(this::stream));
    }

    private void feed(ServerRequest req, ServerResponse res) throws BadParameter {
        UriQuery q = req.query();
        known(q, union(FILTERS, Set.of("limit")));
        FeedFilter filter = filter(q);
        int limit = ReadQuery.limit(q, FEED_DEFAULT, FEED_MAX);
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
        body.put("projector", DashboardJson.projector(reader.freshness(), log));
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
                    event(os, "projector", null, DashboardJson.projector(reader.freshness(), log));
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

    private Map<String, Object> row(FinishedSample s) {
        return DashboardJson.row(s, trail.reason(s));
    }
}
