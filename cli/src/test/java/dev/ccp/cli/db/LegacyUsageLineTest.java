package dev.ccp.cli.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LegacyUsageLineTest {
    private final LegacyUsageLine reader = new LegacyUsageLine(new ObjectMapper(), "/old/usage.jsonl");

    private LegacyUsageLine.Result read(String json) throws Exception {
        return reader.read(json, 1);
    }

    @Test
    void keyShapedValuesAreLeftOutButOrdinaryNamesStay() throws Exception {
        assertNull(read("{\"ts\":1,\"model\":\"sk-ant-api03-abcdefghij\"}").sample().model());
        assertNull(read("{\"ts\":1,\"model\":\"0123456789abcdef0123456789abcdef.AbCdEfGh12\"}").sample().model());
        assertNull(read("{\"ts\":1,\"provider\":\"Bearer abc\"}").sample().provider());
        assertEquals(1, read("{\"ts\":1,\"req_id\":\"Bearer x\"}").redacted());

        assertEquals("task-force-12345678", read("{\"ts\":1,\"model\":\"task-force-12345678\"}").sample().model());
        assertEquals("claude-3-5-haiku-20241022", read("{\"ts\":1,\"model\":\"claude-3-5-haiku-20241022\"}").sample().model());
    }

    @Test
    void timestampsInEveryLegacyFormLandOnTheSameInstant() throws Exception {
        long expected = 1_756_720_800_000_000L; // 2025-09-01T10:00:00Z
        for (String ts : new String[]{"\"2025-09-01T10:00:00Z\"", "\"2025-09-01T12:00:00+02:00\"", "\"2025-09-01 10:00:00\"",
                "1756720800", "1756720800000", "1756720800000000", "\"1756720800\""}) {
            assertEquals(expected, read("{\"ts\":" + ts + "}").sample().tsUs(), ts);
        }
        assertEquals(expected, read("{\"timestamp\":\"2025-09-01T10:00:00Z\"}").sample().tsUs());
    }

    @Test
    void wrongTypesAreNamedInTheReason() {
        assertEquals("ts 'yesterday' is not a time (ISO-8601 or epoch seconds/millis)",
                assertThrows(LegacyUsageLine.Unreadable.class, () -> read("{\"ts\":\"yesterday\"}")).getMessage());
        assertEquals("status 'ok' is not a number",
                assertThrows(LegacyUsageLine.Unreadable.class, () -> read("{\"ts\":1,\"status\":\"ok\"}")).getMessage());
        assertEquals("latency_ms 'fast' is not a number",
                assertThrows(LegacyUsageLine.Unreadable.class, () -> read("{\"ts\":1,\"latency_ms\":\"fast\"}")).getMessage());
    }
}
