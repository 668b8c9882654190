package dev.ccp.cli.agg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.EventFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggCommandTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00Z"));

    @TempDir
    Path root;

    @Test
    void mergesTheRollupsOfTwoInstallsIntoHourAndDayFilesShapedAsTheApi() throws Exception {
        CcRunner a = new CcRunner(root.resolve("installs/a"), CLOCK);
        new EventFixture(a.paths(), Instant.parse("2026-11-24T09:00:00Z")).haikuOnZai().sonnetOnAnthropic().project();
        CcRunner b = new CcRunner(root.resolve("installs/b"), CLOCK);
        new EventFixture(b.paths(), Instant.parse("2026-11-24T09:10:00Z")).haikuOnZai()
                .request("claude-3-5-haiku-20241022", "zai", "model_route", "x-api-key", 500, 1, 0).project();
        new EventFixture(b.paths(), Instant.parse("2026-11-24T11:00:00Z")).haikuOnZai().project();
        Files.writeString(root.resolve("installs/not-ccp.sqlite3"), "");
        Path out = root.resolve("results/rollups");

        CcRunner.Result r = a.run("agg", "-dir", root.resolve("installs").toString(), "-out", out.toString());

        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("merged 2 database(s) under " + root.resolve("installs") + ": 3 hour row(s)"), r.out());
        assertTrue(r.err().contains("not-ccp.sqlite3"), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode hour = json.readTree(out.resolve("rollup_hour.json").toFile());
        assertEquals("hour", hour.get("granularity").asText());
        assertEquals(3, hour.get("count").asInt());
        JsonNode zai9 = hour.get("rollups").get(0);
        assertEquals("2026-11-24T09:00:00Z", zai9.get("bucket").asText());
        assertEquals("claude-3-5-haiku-20241022", zai9.get("model").asText());
        assertEquals("zai", zai9.get("lane").asText());
        assertEquals(3, zai9.get("count").asLong(), "one from a, two from b");
        assertEquals(1, zai9.get("errors").asLong());
        assertEquals(201, zai9.get("input_tokens").asLong());
        assertEquals(250.0, zai9.get("latency_p50_ms").asDouble(), 0.5);
        assertEquals(List.of("bucket", "bucket_start", "model", "lane", "count", "errors", "input_tokens", "output_tokens",
                        "cache_creation_input_tokens", "cache_read_input_tokens", "latency_p50_ms", "latency_p95_ms"),
                iterable(zai9));

        JsonNode day = json.readTree(out.resolve("rollup_day.json").toFile());
        assertEquals(2, day.get("count").asInt());
        assertEquals(4, day.get("rollups").get(0).get("count").asLong());
        assertEquals(1, day.get("rollups").get(1).get("count").asLong());
    }

    @Test
    void folderWithoutProjectionsIsOneLineAndExitTwo() throws Exception {
        Files.createDirectories(root.resolve("empty"));
        CcRunner.Result r = new CcRunner(root, CLOCK).run("agg", "-dir", root.resolve("empty").toString(), "-out", root.resolve("o").toString());

        assertEquals(2, r.exit());
        assertEquals(List.of("cc agg: no ccp SQLite projection (*.sqlite3 with rollups) under " + root.resolve("empty")), r.errLines());
    }

    private static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
