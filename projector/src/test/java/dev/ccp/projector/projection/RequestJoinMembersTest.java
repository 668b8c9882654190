package dev.ccp.projector.projection;

import dev.ccp.events.Event;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Members in one log (a team topic): each request carries its member; a restart closes only its own member's requests. */
class RequestJoinMembersTest {
    private final RequestJoin join = new RequestJoin(Duration.ofHours(1));
    private long index;

    private List<FinishedRequest> apply(Event e) {
        return join.apply(++index, e);
    }

    private static Event.ProxyStarted started(String instance, long ts, String member) {
        return new Event.ProxyStarted("e" + ts, null, ts, instance, "test", "127.0.0.1", 0, 1, List.of(), member);
    }

    private static Event.RequestReceived received(String req, String instance, long ts) {
        return new Event.RequestReceived("r" + ts, req, ts, instance, "POST", "/v1/messages", null, "claude-haiku-4-5", false, 1,
                "x-api-key", "t", null);
    }

    private static Event.ResponseCompleted completed(String req, String instance, long ts) {
        return new Event.ResponseCompleted("c" + ts, req, ts, instance, 200, "nonstream", 5, 5, 3, 2, 0, 0, "end_turn", "h1", "ok", 9, null);
    }

    @Test
    void anotherMembersProxyStartingLeavesThisMembersOpenRequestsOpen() {
        apply(started("px_ann", 1, "ann@one"));
        apply(received("req_a", "px_ann", 2));
        List<FinishedRequest> closed = apply(started("px_bob", 3, "bob@two"));
        assertEquals(List.of(), closed, "bob's proxy says nothing about ann's");
        List<FinishedRequest> done = apply(completed("req_a", "px_ann", 4));
        assertEquals(1, done.size());
        assertEquals("ok", done.getFirst().outcome());
        assertEquals("ann@one", done.getFirst().member());
    }

    @Test
    void theSameMembersNextProxyClosesItsEarlierInstancesRequestsAsLost() {
        apply(started("px_ann1", 1, "ann@one"));
        apply(started("px_bob", 2, "bob@two"));
        apply(received("req_a", "px_ann1", 3));
        apply(received("req_b", "px_bob", 4));
        List<FinishedRequest> closed = apply(started("px_ann2", 5, "ann@one"));
        assertEquals(1, closed.size());
        assertEquals("req_a", closed.getFirst().reqId());
        assertEquals("proxy_lost", closed.getFirst().outcome());
        assertEquals("ann@one", closed.getFirst().member());
        assertEquals("bob@two", apply(completed("req_b", "px_bob", 6)).getFirst().member());
    }

    @Test
    void aLogWithoutMembersClosesEveryOtherInstanceAsBefore() {
        apply(started("px_1", 1, null));
        apply(received("req_a", "px_1", 2));
        List<FinishedRequest> closed = apply(started("px_2", 3, null));
        assertEquals(1, closed.size());
        assertNull(closed.getFirst().member());
    }

    @Test
    void membersSurviveTheCheckpointedState() {
        apply(started("px_ann", 1, "ann@one"));
        apply(received("req_a", "px_ann", 2));
        RequestJoin restored = RequestJoin.restore(join.snapshot(), Duration.ofHours(1));
        List<FinishedRequest> done = restored.apply(10, completed("req_a", "px_ann", 4));
        assertEquals("ann@one", done.getFirst().member());
        assertTrue(join.snapshot().contains("\"members\""));
    }
}
