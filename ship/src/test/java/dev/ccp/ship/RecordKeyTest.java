package dev.ccp.ship;

import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a shipped record is keyed by: one request's events share a key (so a partition), others go by instance. */
class RecordKeyTest {

    @Test
    void eventsOfARequestAreKeyedByItsRequestIdAndTimedByTheEvent() {
        Shipper.Key k = Shipper.key(EventCodec.encode(new Event.RouteDecided("e1", "req_1", 1_700_000_000_123_456L, "px_a",
                "model_route", "zai", "zai", "claude-haiku-4-5", "glm-4.5-air", "x-api-key", "r")));
        assertEquals("req_1", new String(k.key(), StandardCharsets.UTF_8));
        assertEquals(1_700_000_000_123L, k.timestampMs());
    }

    @Test
    void eventsOfNoRequestAreKeyedByTheirInstance() {
        Shipper.Key k = Shipper.key(EventCodec.encode(new Event.ProxyStarted("e1", null, 5_000, "px_a", "v", "h", 1, 2,
                List.of("w"), "ann@one")));
        assertEquals("px_a", new String(k.key(), StandardCharsets.UTF_8));
        assertEquals(5L, k.timestampMs());
    }

    @Test
    void aDocumentThatIsNotJsonIsShippedWithoutAKey() {
        Shipper.Key k = Shipper.key("not json".getBytes(StandardCharsets.UTF_8));
        assertNull(k.key());
        assertNull(k.timestampMs());
    }
}
