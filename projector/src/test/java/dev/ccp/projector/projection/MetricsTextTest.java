package dev.ccp.projector.projection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text of {@code METRICS.json} for the cases the golden log does not reach. */
class MetricsTextTest {

    @Test
    void anEmptyScoreboardHasEmptyGroupsNullTimesAndNullPercentiles() {
        String total = """
                  "total": {
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                    "count": 0,
                    "errors": 0,
                    "input_tokens": 0,
                    "latency_ms": {"p50": null, "p95": null},
                    "output_tokens": 0,
                    "total_tokens": 0,
                    "ttfb_ms": {"p50": null, "p95": null}
                  },
                """;
        String expected = "{\n"
                + "  \"by_decision\": {},\n  \"by_header_mode\": {},\n  \"by_http\": {},\n  \"by_lane\": {},\n"
                + "  \"by_model\": {},\n  \"by_op\": {},\n  \"by_outcome\": {},\n"
                + "  \"events\": 0,\n  \"first_ts\": null,\n  \"last_ts\": null,\n  \"schema\": 1,\n"
                + total
                + "  \"unreadable_events\": 0\n}\n";
        assertEquals(expected, MetricsProjection.render(new MetricsProjection.Board()));
    }

    @Test
    void millisecondsLoseTrailingZerosAndKeysAreEscaped() {
        MetricsProjection.Board board = new MetricsProjection.Board();
        board.events = 1;
        board.add(new FinishedRequest(1, 0, 1_700_000_000_000_000L, "r1", "i", "m\"x\\", "m", "lane", "p",
                "model_route", "messages", 200, "x-api-key", "1.1", 300, -1, 10, 20, 0, 0,
                "end_turn", "ok", 1));
        String text = MetricsProjection.render(board);
        assertTrue(text.contains("\n    \"m\\\"x\\\\\": {\n"), text);
        assertTrue(text.contains("\"latency_ms\": {\"p50\": 0.3, \"p95\": 0.3},"), text);
        assertTrue(text.contains("\"first_ts\": \"2023-11-14T22:13:20.000Z\","), text);
    }
}
