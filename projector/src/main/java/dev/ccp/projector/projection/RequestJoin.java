package dev.ccp.projector.projection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Event;
import dev.ccp.events.Json;
import dev.ccp.events.Outcomes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Joins each request's events by request id into one {@link FinishedRequest}: a function of
 * (open requests, event clock) and the next event.
 *
 * <p>A request is finished by its {@code ResponseCompleted}, or closed as {@code proxy_lost} when a
 * {@code ProxyStarted} of another instance of the same member shows that its instance is gone (one
 * proxy writes a member's log at a time; a team topic holds several members' logs), or when the event clock — the newest event time seen, never the wall clock — has moved
 * {@code lostAfter} past its first event. A completion for a request that is not open (already closed,
 * or begun before the log) is counted as orphaned and not projected, so a late answer never counts twice.
 *
 * <p>Its whole state is small (the requests in flight) and is saved with every checkpoint, so a
 * restarted projector continues exactly where the saved state left off.
 */
public final class RequestJoin {
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Orders requests by their first event; both never change while a request is in flight. */
    private static final Comparator<InFlight> BY_AGE =
            Comparator.comparingLong(InFlight::firstTsUs).thenComparingLong(InFlight::firstIndex);

    private final long lostAfterUs;
    private final Map<String, InFlight> open = new LinkedHashMap<>();
    /** The same requests as {@link #open}, oldest first; compared by age alone, so an older copy finds its entry. */
    private final TreeSet<InFlight> byAge = new TreeSet<>(BY_AGE);
    /** Member of each proxy instance seen starting (instances of logs older than members have none). */
    private final Map<String, String> members = new LinkedHashMap<>();
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
        InFlight o = reqId == null ? null : open.get(reqId);
        return o == null ? null : o.model();
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
            case Event.RequestReceived e -> open.put(key(e), touch(index, e).received(e));
            case Event.RouteDecided e -> open.put(key(e), touch(index, e).routed(e));
            case Event.UpstreamAttempt e -> open.put(key(e), touch(index, e).attempted(e));
            case Event.ResponseCompleted e -> {
                InFlight o = open.remove(e.reqId());
                if (o == null) {
                    orphaned++;
                } else {
                    byAge.remove(o);
                    finished = new ArrayList<>(1);
                    finished.add(o.completed(index, e, memberOf(o.instance)));
                }
            }
            case Event.ImportedSample e -> finished = List.of(imported(index, e, memberOf(e.instance())));
            case Event.ProxyStarted e -> {
                if (e.member() != null) {
                    members.put(e.instance(), e.member());
                }
                finished = closeInstancesOtherThan(index, e.instance(), e.member());
            }
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
        if (!byAge.isEmpty() && byAge.first().firstTsUs() < clockUs - lostAfterUs) {
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

    private static String key(Event e) {
        return e.reqId() == null ? "" : e.reqId();
    }

    /**
     * The request this event belongs to, opened by its first event; the event's own step
     * ({@code received}, {@code routed}, {@code attempted}) records that it was seen at its time.
     */
    private InFlight touch(long index, Event e) {
        InFlight o = open.get(key(e));
        if (o == null) {
            o = InFlight.first(key(e), index, e.tsUs(), e.instance());
            byAge.add(o);
        }
        return o;
    }

    /**
     * What the transport says of an instance's member (a team topic's record header): used until, or
     * unless, the instance's own {@code ProxyStarted} is seen, since a topic's partitions may deliver a
     * request's events before that event.
     */
    public void shippedBy(String instance, String member) {
        if (instance != null && member != null) {
            members.putIfAbsent(instance, member);
        }
    }

    /** The member of a proxy instance, or null when its {@code ProxyStarted} did not name one. */
    public String memberOf(String instance) {
        return instance == null ? null : members.get(instance);
    }

    private List<FinishedRequest> closeInstancesOtherThan(long index, String instance, String member) {
        List<FinishedRequest> lost = new ArrayList<>();
        var it = open.values().iterator();
        while (it.hasNext()) {
            InFlight o = it.next();
            if (!o.instance().equals(instance) && Objects.equals(memberOf(o.instance()), member)) {
                it.remove();
                byAge.remove(o);
                lost.add(o.lost(index, memberOf(o.instance())));
            }
        }
        return lost;
    }

    private List<FinishedRequest> closeOlderThan(long index, long limitUs, List<FinishedRequest> already) {
        List<FinishedRequest> out = new ArrayList<>(already);
        while (!byAge.isEmpty() && byAge.first().firstTsUs() < limitUs) {
            InFlight oldest = byAge.pollFirst();
            out.add(open.remove(oldest.reqId()).lost(index, memberOf(oldest.instance())));
        }
        return out;
    }

    private static FinishedRequest imported(long index, Event.ImportedSample e, String member) {
        return new FinishedRequest(index, 0, e.tsUs(), e.reqId(), e.instance(), e.model(), null, e.lane(), e.provider(),
                e.decision(), e.op(), e.status(), e.headerMode(), e.http(),
                Math.round(e.latencyMs() * 1000), e.ttfbMs() < 0 ? -1 : Math.round(e.ttfbMs() * 1000),
                e.inputTokens(), e.outputTokens(), e.cacheCreationInputTokens(), e.cacheReadInputTokens(), 0,
                e.stopReason(), e.outcome(), e.attempts(), null, null, null, null, index, member);
    }

    /** The state as JSON text, for the checkpoint. */
    public String snapshot() {
        return mark().snapshot();
    }

    /**
     * The state as it is now, kept apart from what the join does next: a copy of the requests in flight
     * (immutable records), so a join that runs ahead of the projections can hand each batch the state
     * that belongs to its last event.
     */
    public Mark mark() {
        return new Mark(new State(clockUs, orphaned, List.copyOf(open.values()),
                members.isEmpty() ? null : new LinkedHashMap<>(members)));
    }

    /** The join's state at one event: what the checkpoint saves of it. */
    public static final class Mark {
        private final State state;

        private Mark(State state) {
            this.state = state;
        }

        /** The newest event time seen, in microseconds ({@code Long.MIN_VALUE} before the first event). */
        public long clockUs() {
            return state.clockUs();
        }

        public long orphaned() {
            return state.orphaned();
        }

        /** The state as JSON text, for the checkpoint. */
        public String snapshot() {
            try {
                return JSON.writeValueAsString(state);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
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
            if (s.members() != null) {
                join.members.putAll(s.members());
            }
            for (InFlight o : s.open()) {
                join.open.put(o.reqId(), o);
                join.byAge.add(o);
            }
            return join;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the saved request join state cannot be read; run --rebuild", e);
        }
    }

    /** Members are left out while there are none, so a log without members saves the state it always did. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record State(long clockUs, long orphaned, List<InFlight> open, Map<String, String> members) {
    }

    /**
     * A request in flight: what its events so far said. Saved as it is in the checkpoint, so its
     * components and their order are the saved JSON's fields.
     */
    record InFlight(String reqId, long firstIndex, long firstTsUs, long lastTsUs, String instance,
                    Long receivedTsUs, String model, Boolean stream,
                    String decision, String lane, String provider, String upstreamModel, String headerMode,
                    int attempts, String http, String sessionId, String project) {
        InFlight {
            instance = instance == null ? "" : instance;
        }

        static InFlight first(String reqId, long index, long tsUs, String instance) {
            return new InFlight(reqId, index, tsUs, tsUs, instance == null ? "" : instance,
                    null, null, null, null, null, null, null, null, 0, null, null, null);
        }

        // Each step also records that the request was seen at the event's time (one copy per event).
        InFlight received(Event.RequestReceived e) {
            return new InFlight(reqId, firstIndex, firstTsUs, Math.max(lastTsUs, e.tsUs()), instance, e.tsUs(), e.model(),
                    e.stream(), decision, lane, provider, upstreamModel, headerMode, attempts, http, e.sessionId(), e.project());
        }

        InFlight routed(Event.RouteDecided e) {
            return new InFlight(reqId, firstIndex, firstTsUs, Math.max(lastTsUs, e.tsUs()), instance, receivedTsUs,
                    model == null ? e.model() : model, stream,
                    e.decision(), e.lane(), e.provider(), e.upstreamModel(), e.headerMode(), attempts, http, sessionId, project);
        }

        InFlight attempted(Event.UpstreamAttempt e) {
            return new InFlight(reqId, firstIndex, firstTsUs, Math.max(lastTsUs, e.tsUs()), instance, receivedTsUs, model,
                    stream, decision, lane, provider, upstreamModel, headerMode, Math.max(attempts + 1, e.attempt()),
                    e.http() != null ? e.http() : http, sessionId, project);
        }

        FinishedRequest completed(long index, Event.ResponseCompleted e, String member) {
            String op = e.op() != null ? e.op() : opFromStream();
            return new FinishedRequest(index, 0, e.tsUs(), reqId, instance, model, upstreamModel, lane, provider,
                    decision, op, e.status(), headerMode, e.http() != null ? e.http() : http,
                    e.latencyUs(), e.ttfbUs() < 0 ? -1 : e.ttfbUs(),
                    e.inputTokens(), e.outputTokens(), e.cacheCreationInputTokens(), e.cacheReadInputTokens(),
                    e.cacheWrite1hTokens(), e.stopReason(), e.outcome(), attempts, sessionId, project, null, null, firstIndex, member);
        }

        FinishedRequest lost(long index, String member) {
            long start = receivedTsUs != null ? receivedTsUs : firstTsUs;
            return new FinishedRequest(index, 0, lastTsUs, reqId, instance, model, upstreamModel, lane, provider,
                    decision, opFromStream(), 0, headerMode, http, Math.max(0, lastTsUs - start), -1,
                    0, 0, 0, 0, 0, null, Outcomes.PROXY_LOST, attempts, sessionId, project, null, null, firstIndex, member);
        }

        private String opFromStream() {
            return Boolean.TRUE.equals(stream) ? "stream" : "nonstream";
        }
    }
}
