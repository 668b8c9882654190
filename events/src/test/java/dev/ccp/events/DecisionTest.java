package dev.ccp.events;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecisionTest {
    /** The words docs/EVENTS.md lists and every log so far carries. */
    private static final List<String> WORDS = List.of("model_route", "default_route", "paused", "missing_credentials",
            "rejected", "manual_override", "license_block", "fallback_unsupported", "quota_block",
            "rerouted_on_limit", "fallback_401", "window_offload");

    @Test
    void eachDecisionIsWrittenToTheLogAsTheWordItAlwaysWas() throws Exception {
        assertEquals(WORDS, Arrays.stream(Decision.values()).map(Decision::wire).toList());
        for (Decision d : Decision.values()) {
            Event.RouteDecided e = new Event.RouteDecided("e1", "r1", 1L, "i", d.wire(), "anthropic", "anthropic",
                    "m", "m", "passthrough", "why");
            String json = EventCodec.encodeToString(e);
            assertTrue(json.contains("\"decision\":\"" + d.wire() + "\""), json);
            Event back = EventCodec.decode(json);
            assertEquals(Optional.of(d), Decision.fromWire(((Event.RouteDecided) back).decision()));
        }
    }

    @Test
    void aWordThisBuildDoesNotKnowStillReadsAndNamesNoDecision() throws Exception {
        Event.RouteDecided e = new Event.RouteDecided("e1", "r1", 1L, "i", "some_later_reason", null, null,
                "m", "m", "none", "why");
        Event back = EventCodec.decode(EventCodec.encodeToString(e));
        assertEquals("some_later_reason", ((Event.RouteDecided) back).decision());
        assertEquals(Optional.empty(), Decision.fromWire("some_later_reason"));
        assertEquals(Optional.empty(), Decision.fromWire(null));
    }
}
