package dev.ccp.events;

import dev.ccp.events.testing.SampleEvents;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    @Test
    void everyEventTypeSurvivesARoundTrip() throws Exception {
        for (Event event : SampleEvents.oneOfEach(1_700_000_000_000_000L)) {
            byte[] json = EventCodec.encode(event);
            assertEquals(event, EventCodec.decode(json), new String(json));
        }
    }

    @Test
    void typeAndVersionLeadTheEnvelope() {
        Event e = SampleEvents.oneOfEach(1).get(3);
        String json = EventCodec.encodeToString(e);
        assertTrue(json.startsWith("{\"type\":\"RouteDecided\",\"v\":1,\"id\":\"e04\",\"req_id\":"), json);
        assertTrue(json.contains("\"ts_us\":4"), json);
        assertTrue(json.contains("\"upstream_model\":\"glm-4.5-air\""), json);
    }

    @Test
    void fieldsInAnyOrderAndUnknownFieldsAreStillRead() throws Exception {
        String json = "{\"id\":\"x\",\"extra\":{\"a\":1},\"type\":\"ProxyStopped\",\"ts_us\":5,\"v\":1,\"instance\":\"i\",\"reason\":\"r\"}";
        assertEquals(new Event.ProxyStopped("x", null, 5, "i", "r"), EventCodec.decode(json));
    }

    @Test
    void unknownTypeIsUnreadableWithItsName() {
        var e = assertThrows(UnreadableEventException.class,
                () -> EventCodec.decode("{\"type\":\"Teleported\",\"v\":1,\"id\":\"x\"}"));
        assertTrue(e.getMessage().contains("Teleported"), e.getMessage());
    }

    @Test
    void newerSchemaVersionIsUnreadableNotMisread() {
        var e = assertThrows(UnreadableEventException.class,
                () -> EventCodec.decode("{\"type\":\"ProxyStopped\",\"v\":99,\"id\":\"x\"}"));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void brokenJsonIsUnreadable() {
        assertThrows(UnreadableEventException.class, () -> EventCodec.decode("{\"type\":\"ProxyStopped\",\"v\":1,"));
        assertThrows(UnreadableEventException.class, () -> EventCodec.decode("not json"));
        assertThrows(UnreadableEventException.class, () -> EventCodec.decode("{\"id\":\"no type\"}"));
    }
}
