package dev.ccp.cli.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cc samples}: the bodies sampled with make tee-on, read back from the event log. */
class SamplesCommandTest {
    private static final long T = Instant.parse("2026-11-24T09:00:00Z").getEpochSecond() * 1_000_000L;

    @TempDir
    Path root;

    private CcRunner sampled() {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
        try (EventLog log = EventLog.open(cc.paths().queueDir())) {
            log.append(new Event.RequestReceived("e1", "req_a", T, "px", "POST", "/v1/messages", null, "claude-haiku-4-5",
                    false, 40, "x-api-key", "cli", null));
            log.append(new Event.BodySampled("e2", "req_a", T + 10, "px", "request", "application/json", 40, false,
                    "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":16}"));
            log.append(new Event.BodySampled("e3", "req_a", T + 900_000, "px", "response", "application/json", 20_000, true,
                    "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"ok"));
            log.append(new Event.BodySampled("e4", "req_b", T + 2_000_000, "px", "request", "application/json", 12, false,
                    "{\"stream\":1}"));
        }
        return cc;
    }

    @Test
    void listsEverySampleWithTimeRequestDirectionAndBytes() {
        CcRunner cc = sampled();

        CcRunner.Result r = cc.run("samples");

        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("TIME") && lines.get(0).contains("REQ_ID") && lines.get(0).contains("DIRECTION")
                && lines.get(0).contains("BYTES"), r.out());
        assertTrue(lines.get(1).startsWith("2026-11-24T09:00:00.000010Z") && lines.get(1).contains("req_a")
                && lines.get(1).contains("request") && lines.get(1).contains(" 40 "), lines.get(1));
        assertTrue(lines.get(2).contains("response") && lines.get(2).contains("20000") && lines.get(2).contains("yes"), lines.get(2));
        assertTrue(lines.get(3).contains("req_b"), lines.get(3));
        assertTrue(lines.get(4).startsWith("3 sample(s) in the log"), lines.get(4));
    }

    @Test
    void showsOneRequestsBodiesRequestFirst() throws Exception {
        CcRunner cc = sampled();

        CcRunner.Result r = cc.run("samples", "req_a");

        assertEquals(0, r.exit(), r.toString());
        assertEquals("""
                == request of req_a at 2026-11-24T09:00:00.000010Z: 40 byte(s), application/json
                {"model":"claude-haiku-4-5","max_tokens":16}
                == response of req_a at 2026-11-24T09:00:00.900Z: 20000 byte(s), application/json, truncated at the sampling cap
                {"type":"message","content":[{"type":"text","text":"ok
                """, r.out());
        JsonNode doc = new ObjectMapper().readTree(cc.run("samples", "req_a", "--json").out());
        assertEquals(2, doc.get("samples").size());
        assertEquals("response", doc.at("/samples/1/direction").asText());
        assertTrue(doc.at("/samples/1/truncated").asBoolean());
    }

    @Test
    void anUnknownRequestOrNoLogIsOneLineAndExitTwo() {
        CcRunner empty = new CcRunner(root, InstantSource.system());
        CcRunner.Result none = empty.run("samples");
        assertEquals(2, none.exit());
        assertEquals(List.of("cc samples: no event log under " + empty.paths().queueDir() + ": nothing sampled yet"),
                none.errLines());

        CcRunner.Result unknown = sampled().run("samples", "req_zzz");
        assertEquals(2, unknown.exit());
        assertEquals(List.of("cc samples: no body samples for req_zzz in the log (was body sampling on? make tee-on)"),
                unknown.errLines());
    }

    @Test
    void theListKeepsOnlyTheNewestWhenAskedTo() {
        CcRunner.Result r = sampled().run("samples", "--last", "1");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(3, r.out().lines().count(), r.out());
        assertTrue(r.out().contains("req_b") && !r.out().contains("req_a"), r.out());
        assertTrue(r.out().contains("3 sample(s) in the log, the newest 1 shown (--last 0 for all)"), r.out());
    }
}
