package dev.ccp.proxy.streaming;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JsonUsageParserTest {
    private static Usage parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return JsonUsageParser.parse(b, b.length);
    }

    @Test
    void usageAndStopReasonAreReadWhereverTheyStandAndTheContentIsSkipped() {
        Usage u = parse("""
                {"id":"msg_1","usage":{"input_tokens":25,"cache_creation_input_tokens":3,"cache_read_input_tokens":900,
                 "output_tokens":15,"server_tool_use":{"web_search_requests":1}},
                 "content":[{"type":"text","text":"a \\"quoted\\" {usage} text"}],"stop_reason":"end_turn","type":"message"}""");
        assertEquals(25, u.inputTokens());
        assertEquals(15, u.outputTokens());
        assertEquals(3, u.cacheCreationInputTokens());
        assertEquals(900, u.cacheReadInputTokens());
        assertEquals("end_turn", u.stopReason());
        assertNull(u.errorType());
    }

    @Test
    void zaiAnswerWithoutCacheCreationLeavesItAtZero() {
        Usage u = parse("{\"id\":\"20250601abc\",\"type\":\"message\",\"usage\":{\"input_tokens\":5,\"output_tokens\":2},\"stop_reason\":null}");
        assertEquals(5, u.inputTokens());
        assertEquals(0, u.cacheCreationInputTokens());
        assertNull(u.stopReason());
    }

    @Test
    void anErrorBodyGivesItsErrorTypeEvenWhenTypeComesLast() {
        assertEquals("rate_limit_error", parse("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"},\"type\":\"error\"}").errorType());
        assertEquals("error", parse("{\"type\":\"error\",\"error\":\"a string\"}").errorType());
    }

    @Test
    void aBodyThatIsNotWholeJsonReportsNothing() {
        Usage cut = parse("{\"usage\":{\"input_tokens\":25,\"output_tokens\":15},\"content\":[{\"type\":\"text\",\"text\":\"cut he");
        assertEquals(0, cut.inputTokens());
        assertEquals(0, parse("not json").outputTokens());
        assertEquals(0, parse("[1,2]").outputTokens());
    }

    @Test
    void theOneHourPartOfTheCacheWritesIsRead() {
        Usage u = parse("""
                {"type":"message","usage":{"input_tokens":10,"cache_creation_input_tokens":1500,
                 "cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":500},
                 "cache_read_input_tokens":7,"output_tokens":3},"stop_reason":"end_turn"}""");
        assertEquals(1500, u.cacheCreationInputTokens());
        assertEquals(500, u.cacheCreation1hInputTokens());
        assertEquals(7, u.cacheReadInputTokens());
        assertEquals(3, u.outputTokens());
        assertEquals(0, parse("{\"usage\":{\"cache_creation_input_tokens\":4}}").cacheCreation1hInputTokens(),
                "no split: every write is a 5-minute one");
    }
}
