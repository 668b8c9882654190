package dev.ccp.cli.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.events.Event;
import dev.ccp.events.EventCodec;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportCommandTest {
    /** Lines as the Go shim and the mitm addon wrote them, with a broken line, a blank one and a line without time. */
    private static final String LEGACY = """
            {"ts":"2025-09-01T10:00:00Z","req_id":"req_go_1","model":"claude-3-5-haiku-20241022","lane":"zai","provider":"zai","decision":"model_route","op":"stream","status":200,"header_mode":"x-api-key","http":"h2","latency_ms":812.5,"ttfb_ms":120,"input_tokens":100,"output_tokens":50,"cache_read_input_tokens":10,"stop_reason":"end_turn"}
            {"ts":1756720860.25,"model":"claude-sonnet-4","lane":"anthropic","stream":false,"status_code":"200","http_version":"HTTP/1.1","latency_ms":"1500","usage":{"input_tokens":200,"output_tokens":80},"api_key":"sk-ant-api03-SECRETSECRETSECRET","authorization":"Bearer abc.def"}
            {"ts": "2025-09-01T10:02:00Z", "model": "x", broken

            {"ts":1756720980000,"model":"claude-3-5-haiku","lane":"anthropic","decision":"paused","status":529,"header_mode":"passthrough"}
            {"model":"claude-3-5-haiku","lane":"zai"}
            {"ts":"2025-09-01 10:04:00","model":"sk-ant-api03-abcdefghijklmnop","lane":"Z.AI","op":"non-stream"}
            """;

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    private Path legacyFile(String text) throws Exception {
        Path file = root.resolve("old/usage.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static List<Event.ImportedSample> importedIn(Path queueDir) {
        List<Event.ImportedSample> samples = new ArrayList<>();
        try (EventLog log = EventLog.open(queueDir); EventTailer t = log.fromStart()) {
            for (LogEntry e = t.next(); e != null; e = t.next()) {
                if (e instanceof LogEntry.Read r && r.event() instanceof Event.ImportedSample s) {
                    samples.add(s);
                }
            }
        }
        return samples;
    }

    @Test
    void importsReadableLinesReportsBadOnesByLineNumberAndAppendsEventsToTheLog() throws Exception {
        CcRunner cc = cc();
        Path file = legacyFile(LEGACY);

        CcRunner.Result r = cc.run("db", "import", "--jsonl", file.toString());

        assertEquals(0, r.exit(), r.toString());
        List<String> problems = r.errLines();
        assertEquals(2, problems.size(), r.err());
        assertTrue(problems.get(0).startsWith("line 3: skipped: not JSON ("), problems.get(0));
        assertEquals("line 6: skipped: no timestamp (ts)", problems.get(1));
        assertEquals("imported 4 line(s) from " + file.toRealPath() + " into " + cc.paths().queueDir()
                + "; skipped 2 unreadable; left out 1 key-shaped value(s)\n", r.out());

        List<Event.ImportedSample> samples = importedIn(cc.paths().queueDir());
        assertEquals(List.of(1L, 2L, 5L, 7L), samples.stream().map(Event.ImportedSample::line).toList());

        Event.ImportedSample go = samples.get(0);
        assertEquals("req_go_1", go.reqId());
        assertEquals(Instant.parse("2025-09-01T10:00:00Z").toEpochMilli() * 1000, go.tsUs());
        assertEquals("cli-import", go.instance());
        assertEquals(file.toRealPath().toString(), go.source());
        assertEquals("claude-3-5-haiku-20241022", go.model());
        assertEquals("zai", go.lane());
        assertEquals("model_route", go.decision());
        assertEquals("stream", go.op());
        assertEquals(200, go.status());
        assertEquals("x-api-key", go.headerMode());
        assertEquals("h2", go.http());
        assertEquals(812.5, go.latencyMs());
        assertEquals(120.0, go.ttfbMs());
        assertEquals(100, go.inputTokens());
        assertEquals(50, go.outputTokens());
        assertEquals(10, go.cacheReadInputTokens());
        assertEquals("ok", go.outcome());

        Event.ImportedSample mitm = samples.get(1);
        assertEquals(1_756_720_860_250_000L, mitm.tsUs());
        assertEquals("nonstream", mitm.op());
        assertEquals(200, mitm.status());
        assertEquals("h1", mitm.http());
        assertEquals(1500.0, mitm.latencyMs());
        assertEquals(-1.0, mitm.ttfbMs(), "not known, not an instant first byte");
        assertEquals(200, mitm.inputTokens());
        assertEquals(80, mitm.outputTokens());
        assertEquals(0, mitm.cacheCreationInputTokens());
        assertTrue(mitm.reqId().startsWith("imp_"), mitm.reqId());

        Event.ImportedSample millis = samples.get(2);
        assertEquals(1_756_720_980_000_000L, millis.tsUs());
        assertEquals("paused", millis.decision());
        assertEquals("upstream_error", millis.outcome());

        Event.ImportedSample keyShaped = samples.get(3);
        assertNull(keyShaped.model());
        assertEquals("zai", keyShaped.lane());
        assertEquals("nonstream", keyShaped.op());
        assertEquals(Instant.parse("2025-09-01T10:04:00Z").toEpochMilli() * 1000, keyShaped.tsUs());

        for (Event.ImportedSample s : samples) {
            String json = EventCodec.encodeToString(s);
            assertFalse(json.contains("sk-ant") || json.contains("Bearer") || json.contains("SECRET"), json);
        }
    }

    @Test
    void importingTheSameFileAgainAddsNothingTwice() throws Exception {
        CcRunner cc = cc();
        Path file = legacyFile(LEGACY);
        cc.run("db", "import", "--jsonl", file.toString());

        CcRunner.Result again = cc.run("db", "import", "--jsonl", file.toString(), "--json");

        assertEquals(0, again.exit(), again.toString());
        JsonNode doc = new ObjectMapper().readTree(again.out());
        assertEquals(0, doc.get("imported").asInt());
        assertEquals(4, doc.get("already_imported").asInt());
        assertEquals(2, doc.get("skipped").asInt());
        assertEquals(3, doc.get("problems").get(0).get("line").asInt());
        assertEquals(4, importedIn(cc.paths().queueDir()).size());

        Files.writeString(file, LEGACY + "{\"ts\":\"2025-09-02T00:00:00Z\",\"model\":\"claude-sonnet-4\"}\n");
        CcRunner.Result appended = cc.run("db", "import", "--jsonl", file.toString(), "--json");
        assertEquals(1, new ObjectMapper().readTree(appended.out()).get("imported").asInt());
        assertEquals(5, importedIn(cc.paths().queueDir()).size());
    }

    @Test
    void fileWithNoReadableLineExitsOne() throws Exception {
        CcRunner.Result r = cc().run("db", "import", "--jsonl", legacyFile("not json\n[1,2]\n").toString());

        assertEquals(1, r.exit(), r.toString());
        assertEquals(2, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).startsWith("line 1: skipped: not JSON (Unrecognized token 'not'"), r.err());
        assertEquals("line 2: skipped: not a JSON object", r.errLines().get(1));
        assertTrue(r.out().startsWith("imported 0 line(s)"), r.out());
    }

    @Test
    void strictExitsOneOnAnySkippedLineButStillImportsTheOthers() throws Exception {
        CcRunner cc = cc();
        CcRunner.Result r = cc.run("db", "import", "--strict", "--jsonl", legacyFile(LEGACY).toString());

        assertEquals(1, r.exit());
        assertEquals(4, importedIn(cc.paths().queueDir()).size());
    }

    @Test
    void missingFileIsOneLineAndExitTwo() {
        Path missing = root.resolve("nope.jsonl");
        CcRunner.Result r = cc().run("db", "import", "--jsonl", missing.toString());

        assertEquals(2, r.exit());
        assertEquals(List.of("cc db import: no such file: " + missing), r.errLines());
    }

    @Test
    void missingOptionIsAUsageError() {
        CcRunner.Result r = cc().run("db", "import");

        assertEquals(2, r.exit());
        assertEquals(List.of("cc db import: Missing required option: '--jsonl=FILE' (see 'cc db import --help')"),
                r.errLines());
    }
}
