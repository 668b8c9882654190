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
    void an_attempt_carries_the_rate_limit_values_and_an_attempt_of_an_older_log_reads_as_before() throws Exception {
        RateLimits limits = new RateLimits("allowed", 1764590400L, "five_hour",
                new RateLimits.Window("allowed_warning", 0.93, 1764590400L), null,
                new RateLimits.Limit(50L, 49L, 1764583201L), null, null, null, 1);
        Event.UpstreamAttempt a = new Event.UpstreamAttempt("e1", "r1", 5, "px_1", 1, "anthropic",
                "https://api.anthropic.com/v1/messages", "h1", 200, 10, "response", null, "cred_0123456789ab", limits);
        String json = EventCodec.encodeToString(a);
        assertTrue(json.endsWith(",\"credential\":\"cred_0123456789ab\",\"rate_limit\":{\"status\":\"allowed\","
                + "\"reset_s\":1764590400,\"representative_claim\":\"five_hour\",\"five_hour\":{\"status\":\"allowed_warning\","
                + "\"utilization\":0.93,\"reset_s\":1764590400},\"requests\":{\"limit\":50,\"remaining\":49,"
                + "\"reset_s\":1764583201},\"malformed\":1}}"), json);
        assertEquals(a, EventCodec.decode(json));

        String older = "{\"type\":\"UpstreamAttempt\",\"v\":1,\"id\":\"e1\",\"req_id\":\"r1\",\"ts_us\":5,"
                + "\"instance\":\"px_1\",\"attempt\":1,\"provider\":\"anthropic\",\"url\":\"u\",\"http\":\"h1\","
                + "\"status\":200,\"duration_us\":10,\"outcome\":\"response\"}";
        assertEquals(new Event.UpstreamAttempt("e1", "r1", 5, "px_1", 1, "anthropic", "u", "h1", 200, 10, "response", null),
                EventCodec.decode(older));
        assertTrue(!EventCodec.encodeToString(EventCodec.decode(older)).contains("rate_limit"));
    }

    @Test
    void a_request_names_its_project_and_a_request_of_an_older_log_has_none() throws Exception {
        Event.RequestReceived r = new Event.RequestReceived("e1", "r1", 5, "px_1", "POST", "/v1/messages", null,
                "claude-sonnet-4-5", true, 10, "x-api-key", "claude-cli", "s1", null, "ccp");
        String json = EventCodec.encodeToString(r);
        assertTrue(json.endsWith(",\"session_id\":\"s1\",\"project\":\"ccp\"}"), json);
        assertEquals(r, EventCodec.decode(json));
        String older = json.replace(",\"project\":\"ccp\"", "");
        assertEquals(null, ((Event.RequestReceived) EventCodec.decode(older)).project());
    }

    @Test
    void a_completion_carries_its_1_hour_cache_writes_and_one_of_an_older_log_reads_as_all_5_minute() throws Exception {
        Event.ResponseCompleted c = new Event.ResponseCompleted("e1", "r1", 5, "px_1", 200, "stream", 10, 2, 100, 20,
                1_500, 7, "end_turn", "h1", "ok", 300, null, 500L);
        String json = EventCodec.encodeToString(c);
        assertTrue(json.endsWith(",\"cache_creation_1h_input_tokens\":500}"), json);
        assertEquals(c, EventCodec.decode(json));
        assertEquals(500, ((Event.ResponseCompleted) EventCodec.decode(json)).cacheWrite1hTokens());

        String older = json.replace(",\"cache_creation_1h_input_tokens\":500", "");
        Event.ResponseCompleted read = (Event.ResponseCompleted) EventCodec.decode(older);
        assertEquals(null, read.cacheCreation1hInputTokens());
        assertEquals(0, read.cacheWrite1hTokens(), "no split: every cache write a 5-minute one");
        assertEquals(1_500, read.cacheCreationInputTokens());
        assertEquals(older, EventCodec.encodeToString(read), "an event without a split is written as before");
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

    @Test
    void onlyWhatThisVersionWritesTakesTheOnePassPathAndEverythingElseReadsAsBefore() throws Exception {
        for (Event e : SampleEvents.oneOfEach(1)) {
            byte[] json = EventCodec.encode(e);
            assertTrue(EventCodec.writtenByThisVersion(json, 0, json.length), new String(json));
            assertEquals(e, EventCodec.decode(json));
        }
        for (String other : new String[] {"{\"type\":\"ProxyStopped\",\"v\":10,\"id\":\"x\"}",
                "{\"type\":\"ProxyStopped\",\"v\":1.0,\"id\":\"x\"}", "{ \"type\":\"ProxyStopped\",\"v\":1}",
                "{\"type\":\"Proxy\\\"Stopped\",\"v\":1}", "{\"type\":\"ProxyStopped\"", "{\"v\":1,\"type\":\"ProxyStopped\"}"}) {
            byte[] json = other.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(!EventCodec.writtenByThisVersion(json, 0, json.length), other);
        }
        // Current-looking but broken after the envelope: unreadable, with the binder's reason, as before.
        var e = assertThrows(UnreadableEventException.class,
                () -> EventCodec.decode("{\"type\":\"ProxyStopped\",\"v\":1,\"ts_us\":\"soon\"}"));
        assertTrue(e.getMessage().startsWith("cannot read event: "), e.getMessage());
    }
}
