package dev.ccp.proxy.streaming;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseUsageParserTest {
    private static final String ANTHROPIC = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":120,"cache_creation_input_tokens":30,"cache_read_input_tokens":900,"output_tokens":1}}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":10}}

            event: brand_new_event
            data: {"whatever":true}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    @Test
    void usageIsReadWhateverTheChunkBoundaries() {
        byte[] bytes = ANTHROPIC.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[]{1, 3, 7, 64, bytes.length}) {
            SseUsageParser p = new SseUsageParser();
            for (int i = 0; i < bytes.length; i += chunk) {
                p.feed(bytes, i, Math.min(chunk, bytes.length - i));
            }
            Usage u = p.usage();
            assertEquals(120, u.inputTokens());
            assertEquals(42, u.outputTokens(), "cumulative: the last message_delta wins, never a sum");
            assertEquals(30, u.cacheCreationInputTokens());
            assertEquals(900, u.cacheReadInputTokens());
            assertEquals("end_turn", u.stopReason());
            assertTrue(u.messageStop());
        }
    }

    @Test
    void zaiStreamsWithoutCacheCreationAndAnInStreamErrorAreTolerated() {
        String zai = """
                event: message_start
                data: {"type":"message_start","message":{"id":"20250601abc","usage":{"input_tokens":5}}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}

                """;
        SseUsageParser p = new SseUsageParser();
        byte[] b = zai.getBytes(StandardCharsets.UTF_8);
        p.feed(b, 0, b.length);
        assertEquals(5, p.usage().inputTokens());
        assertEquals(0, p.usage().cacheCreationInputTokens());
        assertEquals("overloaded_error", p.usage().errorType());
        assertFalse(p.usage().messageStop());
    }

    @Test
    void theOneHourPartOfTheCacheWritesIsReadFromMessageStart() {
        String stream = """
                event: message_start
                data: {"type":"message_start","message":{"usage":{"input_tokens":3,"cache_creation_input_tokens":2048,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":2048},"output_tokens":1}}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}

                """;
        SseUsageParser p = new SseUsageParser();
        byte[] b = stream.getBytes(StandardCharsets.UTF_8);
        p.feed(b, 0, b.length);
        assertEquals(2048, p.usage().cacheCreationInputTokens());
        assertEquals(2048, p.usage().cacheCreation1hInputTokens());
        assertEquals(9, p.usage().outputTokens());
    }
}
