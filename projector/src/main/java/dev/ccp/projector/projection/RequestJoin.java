package dev.ccp.projector.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ccp.events.Event;
import dev.ccp.events.Outcomes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Joins each request's events by request id into one {@link FinishedRequest}: a function of
 * (open requests, event clock) and the next event.
 *
 * <p>A request is finished by its {@code ResponseCompleted}, or closed as {@code proxy_lost} when a
 * {@code ProxyStarted} of another instance shows that its instance is gone (one proxy writes the log
 * at a time), or when the event clock — the newest event time seen, never the wall clock — has moved
 * {@code lostAfter} past its first event. A completion for a request that is not open (already closed,
 * or begun before the log) is counted as orphaned and not projected, so a late answer never counts twice.
 *
 * <p>Its whole state is small (the requests in flight) and is saved with every checkpoint, so a
 * restarted projector continues exactly where the saved state left off.
 */
public final class RequestJoin {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Comparator<Open> BY_AGE =
            Comparator.comparingLong(Open::firstTsUs).thenComparingLong(Open::firstIndex);

    private final long lostAfterUs;
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final TreeSet<Open> byAge = new TreeSet<>(BY_AGE);
    private long clockUs = Long.MIN_VALUE;
    private long orphaned;

    public RequestJoin(Duration lostAfter) {
        this.lostAfterUs = lostAfter.toNanos() / 1_000;
    }

    /** The newest event time seen, in microseconds ({@code Long.MIN_VALUE} before the first event). */
    public long clockUs() {
        return clockUs;
    }

    /** The model of an open request (as the client asked for it), or null. */
    public String modelOf(String reqId) {
        Open o = reqId == null ? null : open.get(reqId);
        return o == null ? null : o.model;
    }

    public int openRequests() {
        return open.size();
    }

    public long orphaned() {
        return orphaned;
    }

    /** Applies one event and returns the requests it finished (usually none or one), in a fixed order. */
    public List<FinishedRequest> apply(long index, Event event) {
        clockUs = Math.max(clockUs, event.tsUs());
        List<FinishedRequest> finished = List.of();
        switch (event) {
            case Event.RequestReceived e -> touch(index, e).received(e);
            case Event.RouteDecided e -> touch(index, e).routed(e);
            case Event.UpstreamAttempt e -> touch(index, e).attempted(e);
            case Event.ResponseCompleted e -> {
                Open o = open.remove(e.reqId());
                if (o == null) {
                    orphaned++;
                } else {
                    byAge.remove(o);
                    finished = new ArrayList<>(1);
                    finished.add(o.completed(index, e));
                }
            }
            case Event.ImportedSample e -> finished = List.of(imported(index, e));
            case Event.ProxyStarted e -> finished = closeInstancesOtherThan(index, e.instance());
            case Event.StreamPartial e -> {
            }
            case Event.BodySampled e -> {
            }
            case Event.ConfigChanged e -> {
            }
            case Event.ProxyStopped e -> {
                // A clean stop may still be followed by the last answers its writer drains; the next
                // ProxyStarted (or the age limit) closes whatever stays open.
            }
        }
        if (!byAge.isEmpty() && byAge.first().firstTsUs < clockUs - lostAfterUs) {
            finished = closeOlderThan(index, clockUs - lostAfterUs, finished);
        }
        if (finished.size() > 1) {
            List<FinishedRequest> numbered = new ArrayList<>(finished.size());
            for (int i = 0; i < finished.size(); i++) {
                numbered.add(finished.get(i).withSeq(i));
            }
            return numbered;
        }
        return finished;
    }

    private Open touch(long index, Event e) {
        String reqId = e.reqId() == null ? "" : e.reqId();
        Open o = open.get(reqId);
        if (o == null) {
            o = new Open(reqId, index, e.tsUs(), e.instance());
            open.put(reqId, o);
            byAge.add(o);
        }
        o.lastTsUs = Math.max(o.lastTsUs, e.tsUs());
        return o;
    }

    private List<FinishedRequest> closeInstancesOtherThan(long index, String instance) {
        List<FinishedRequest> lost = new ArrayList<>();
        var it = open.values().iterator();
        while (it.hasNext()) {
            Open o = it.next();
            if (!o.instance.equals(instance)) {
                it.remove();
                byAge.remove(o);
                lost.add(o.lost(index));
            }
        }
        return lost;
    }

    private List<FinishedRequest> closeOlderThan(long index, long limitUs, List<FinishedRequest> already) {
        List<FinishedRequest> out = new ArrayList<>(already);
        while (!byAge.isEmpty() && byAge.first().firstTsUs < limitUs) {
            Open o = byAge.pollFirst();
            open.remove(o.reqId);
            out.add(o.lost(index));
        }
        return out;
    }

    private static FinishedRequest imported(long index, Event.ImportedSample e) {
        return new FinishedRequest(index, 0, e.tsUs(), e.reqId(), e.instance(), e.model(), null, e.lane(), e.provider(),
                e.decision(), e.op(), e.status(), e.headerMode(), e.http(),
                Math.round(e.latencyMs() * 1000), e.ttfbMs() < 0 ? -1 : Math.round(e.ttfbMs() * 1000),
                e.inputTokens(), e.outputTokens(), e.cacheCreationInputTokens(), e.cacheReadInputTokens(),
                e.stopReason(), e.outcome(), e.attempts(), null, null, null, null, index);
    }

    /** The state as JSON text, for the checkpoint. */
    public String snapshot() {
        List<OpenState> list = new ArrayList<>(open.size());
        for (Open o : open.values()) {
            list.add(o.state());
        }
        try {
            return JSON.writeValueAsString(new State(clockUs, orphaned, list));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A join in the state {@link #snapshot()} saved; an empty one for null or blank text. */
    public static RequestJoin restore(String snapshot, Duration lostAfter) {
        RequestJoin join = new RequestJoin(lostAfter);
        if (snapshot == null || snapshot.isBlank()) {
            return join;
        }
        try {
            State s = JSON.readValue(snapshot, State.class);
            join.clockUs = s.clockUs();
            join.orphaned = s.orphaned();
            for (OpenState os : s.open()) {
                Open o = Open.from(os);
                join.open.put(o.reqId, o);
                join.byAge.add(o);
            }
            return join;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the saved request join state cannot be read; run --rebuild", e);
        }
    }

    record State(long clockUs, long orphaned, List<OpenState> open) {
    }

    record OpenState(String reqId, long firstIndex, long firstTsUs, long lastTsUs, String instance,
                     Long receivedTsUs, String model, Boolean stream,
                     String decision, String lane, String provider, String upstreamModel, String headerMode,
                     int attempts, String http, String sessionId, String project) {
    }

    /** A request in flight. */
    private static final class Open {
        final String reqId;
        final long firstIndex;
        final long firstTsUs;
        final String instance;
        long lastTsUs;
        Long receivedTsUs;
        String model;
        Boolean stream;
        String decision;
        String lane;
        String provider;
        String upstreamModel;
        String headerMode;
        int attempts;
        String http;
        String sessionId;
        String project;

        Open(String reqId, long firstIndex, long firstTsUs, String instance) {
            this.reqId = reqId;
            this.firstIndex = firstIndex;
            this.firstTsUs = firstTsUs;
            this.instance = instance == null ? "" : instance;
            this.lastTsUs = firstTsUs;
        }

        long firstTsUs() {
            return firstTsUs;
        }

        long firstIndex() {
            return firstIndex;
        }

        void received(Event.RequestReceived e) {
            receivedTsUs = e.tsUs();
            model = e.model();
            stream = e.stream();
            sessionId = e.sessionId();
            project = e.project();
        }

        void routed(Event.RouteDecided e) {
            decision = e.decision();
            lane = e.lane();
            provider = e.provider();
            upstreamModel = e.upstreamModel();
            headerMode = e.headerMode();
            if (model == null) {
                model = e.model();
            }
        }

        void attempted(Event.UpstreamAttempt e) {
            attempts = Math.max(attempts + 1, e.attempt());
            if (e.http() != null) {
                http = e.http();
            }
        }

        FinishedRequest completed(long index, Event.ResponseCompleted e) {
            String op = e.op() != null ? e.op() : opFromStream();
            return new FinishedRequest(index, 0, e.tsUs(), reqId, instance, model, upstreamModel, lane, provider,
                    decision, op, e.status(), headerMode, e.http() != null ? e.http() : http,
                    e.latencyUs(), e.ttfbUs() < 0 ? -1 : e.ttfbUs(),
                    e.inputTokens(), e.outputTokens(), e.cacheCreationInputTokens(), e.cacheReadInputTokens(),
                    e.stopReason(), e.outcome(), attempts, sessionId, project, null, null, firstIndex);
        }

        FinishedRequest lost(long index) {
            long start = receivedTsUs != null ? receivedTsUs : firstTsUs;
            return new FinishedRequest(index, 0, lastTsUs, reqId, instance, model, upstreamModel, lane, provider,
                    decision, opFromStream(), 0, headerMode, http, Math.max(0, lastTsUs - start), -1,
                    0, 0, 0, 0, null, Outcomes.PROXY_LOST, attempts, sessionId, project, null, null, firstIndex);
        }

        private String opFromStream() {
            return Boolean.TRUE.equals(stream) ? "stream" : "nonstream";
        }

        OpenState state() {
            return new OpenState(reqId, firstIndex, firstTsUs, lastTsUs, instance, receivedTsUs, model, stream,
                    decision, lane, provider, upstreamModel, headerMode, attempts, http, sessionId, project);
        }

        static Open from(OpenState s) {
            Open o = new Open(s.reqId(), s.firstIndex(), s.firstTsUs(), s.instance());
            o.lastTsUs = s.lastTsUs();
            o.receivedTsUs = s.receivedTsUs();
            o.model = s.model();
            o.stream = s.stream();
            o.decision = s.decision();
            o.lane = s.lane();
            o.provider = s.provider();
            o.upstreamModel = s.upstreamModel();
            o.headerMode = s.headerMode();
            o.attempts = s.attempts();
            o.http = s.http();
            o.sessionId = s.sessionId();
            o.project = s.project();
            return o;
        }
    }
}
