package dev.ccp.proxy.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccp.events.EventLog;
import dev.ccp.events.Json;
import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.proxy.readside.ReadQuery.BadParameter;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.dashboard.FinishedSample;
import dev.ccp.readmodel.dashboard.Freshness;
import dev.ccp.readmodel.dashboard.Money;
import dev.ccp.readmodel.dashboard.ReadModelException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the dashboard's endpoints answer: the JSON shapes of a request row, the money panel and the
 * projector's freshness, written through the shared configuration (snake_case), and the guard that
 * turns a bad parameter into a 400 and a broken read model into a 500.
 */
final class DashboardJson {
    private static final Logger LOG = Logger.getLogger(DashboardJson.class.getName());
    private static final ObjectMapper JSON = Json.SNAKE_CASE;

    private DashboardJson() {
    }

    /** A handler that may find a parameter it cannot read. */
    interface Handler {
        void handle(ServerRequest req, ServerResponse res) throws BadParameter;
    }

    static io.helidon.webserver.http.Handler guarded(Handler h) {
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

    /**
     * Cost and savings of the range (exact dollars, as {@code /v1/usage/cost} gives them) and each
     * provider and credential's window standing; {@code available} false when there is neither.
     */
    static Map<String, Object> money(Money m, long nowS) {
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

    static Map<String, Object> projector(Freshness f, EventLog log) {
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

    static Map<String, Object> row(FinishedSample s, String reason) {
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

    static String reasonOf(List<ObjectNode> events) {
        for (ObjectNode e : events) {
            if ("RouteDecided".equals(e.path("type").asText()) && e.hasNonNull("reason")) {
                return e.get("reason").asText();
            }
        }
        return null;
    }

    static void event(OutputStream os, String name, String id, Object data) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n');
        sb.append("data: ").append(JSON.writeValueAsString(data)).append("\n\n");
        os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void send(ServerResponse res, Object body) {
        try {
            res.status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(HeaderNames.CACHE_CONTROL, "no-store").send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
