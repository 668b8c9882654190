package dev.ccp.proxy.dashboard;

import dev.ccp.events.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import dev.ccp.readmodel.dashboard.FinishedSample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A finished request's events, read from the event log itself: the log is the only place they all are
 * (the projections keep what they derive, not the events). The sample says where to read: its
 * {@code first_idx} (the request's first event) up to its {@code idx} (the event that finished it),
 * so a trail costs the entries written meanwhile, not a scan of the log. Nothing is kept between calls.
 */
final class EventTrail {
    /** How far before the finishing event a trail is looked for when the sample predates {@code first_idx}. */
    static final long SEARCH_BACK = 200_000;
    /** Text fields of an event (bodies, partial streams) are cut to this many characters for the page. */
    static final int TEXT_CAP = 4_096;
    private static final ObjectMapper JSON = Json.MAPPER;

    private final EventLog log;

    EventTrail(EventLog log) {
        this.log = log;
    }

    /** The request's events in log order, each with {@code at_ms} (time since the first one); empty when the log no longer holds them. */
    List<ObjectNode> of(FinishedSample s) {
        List<Event> events = events(s);
        List<ObjectNode> out = new ArrayList<>(events.size());
        long t0 = events.isEmpty() ? 0 : events.getFirst().tsUs();
        for (Event e : events) {
            out.add(describe(e, t0));
        }
        return out;
    }

    /** The reason of the request's routing decision, or null when the log does not say. */
    String reason(FinishedSample s) {
        for (Event e : events(s)) {
            if (e instanceof Event.RouteDecided d) {
                return d.reason();
            }
        }
        return null;
    }

    private List<Event> events(FinishedSample s) {
        long start = s.firstIndex() != null ? s.firstIndex() : fallbackStart(s.index());
        Optional<EventTailer> opened = log.at(start);
        if (opened.isEmpty()) {
            return List.of();
        }
        List<Event> out = new ArrayList<>();
        try (EventTailer t = opened.get()) {
            LogEntry entry;
            while ((entry = t.next()) != null && entry.index() <= s.index()) {
                if (entry instanceof LogEntry.Read r && s.reqId() != null && s.reqId().equals(r.event().reqId())) {
                    out.add(r.event());
                }
            }
        }
        return out;
    }

    /** A sample without {@code first_idx}: search back a bounded stretch of the same day's file. */
    private long fallbackStart(long index) {
        long cycleStart = index & ~0xFFFF_FFFFL;
        long start = Math.max(cycleStart, index - SEARCH_BACK);
        return log.at(start).map(t -> {
            t.close();
            return start;
        }).orElse(index);
    }

    private static ObjectNode describe(Event e, long t0) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(EventCodec.encode(e));
            n.remove("v");
            n.remove("instance");
            n.put("at_ms", (e.tsUs() - t0) / 1000.0);
            for (String field : new String[] {"data"}) {
                JsonNode v = n.get(field);
                if (v != null && v.isTextual() && v.asText().length() > TEXT_CAP) {
                    n.put(field, v.asText().substring(0, TEXT_CAP) + "…");
                    n.put(field + "_cut", true);
                }
            }
            return n;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
