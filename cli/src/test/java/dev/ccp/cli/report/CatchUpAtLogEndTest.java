package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.EventFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * summarize and verify-routing start no projector when their projections already stand at the log's end,
 * and still see every event appended after the last projection. The "projector cannot start" install
 * (a JVM flag that does not exist, passed on to the child) shows whether a command started one.
 */
class CatchUpAtLogEndTest {
    private static final Instant START = Instant.parse("2026-11-24T09:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    private CcRunner noProjector() {
        return cc().env("CCP_JAVA_OPTS", "-XX:+NoSuchFlagForThisTest");
    }

    @Test
    void projectionsAtTheLogEndAreReadWithoutStartingTheProjector() throws Exception {
        CcRunner cc = cc();
        new EventFixture(cc.paths(), START).haikuOnZai().sonnetOnAnthropic().project();

        CcRunner.Result summarize = noProjector().run("summarize", "--json");
        assertEquals(0, summarize.exit(), summarize.toString());
        assertEquals(2, JSON.readTree(summarize.out()).at("/total/count").asLong());
        CcRunner.Result verify = noProjector().run("verify-routing", "--json");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals(2, JSON.readTree(verify.out()).get("decisions").asLong());
    }

    @Test
    void eventsAppendedAfterTheLastProjectionAreCaughtUpAndCounted() throws Exception {
        CcRunner cc = cc();
        EventFixture fx = new EventFixture(cc.paths(), START).haikuOnZai().sonnetOnAnthropic().project();
        assertEquals(2, JSON.readTree(cc.run("summarize", "--json").out()).at("/total/count").asLong());

        fx.haikuOnZai().write();

        // Behind the log: the projector is needed, so an install where it cannot start says so.
        assertEquals(2, noProjector().run("summarize").exit());
        assertEquals(2, noProjector().run("verify-routing").exit());
        CcRunner.Result summarize = cc.run("summarize", "--json");
        assertEquals(0, summarize.exit(), summarize.toString());
        assertEquals(3, JSON.readTree(summarize.out()).at("/total/count").asLong());
        CcRunner.Result verify = cc.run("verify-routing", "--json");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals(3, JSON.readTree(verify.out()).get("decisions").asLong());
    }

    @Test
    void publishedFilesBehindTheirCheckpointAreRewrittenByTheProjector() throws Exception {
        CcRunner cc = cc();
        new EventFixture(cc.paths(), START).haikuOnZai().sonnetOnAnthropic().project();
        Path metrics = cc.paths().metricsJson();
        String current = Files.readString(metrics);
        long events = JSON.readTree(current).get("events").asLong();
        Files.writeString(metrics, current.replaceFirst("\"events\": \\d+,", "\"events\": 1,"));
        assertEquals(1, JSON.readTree(metrics.toFile()).get("events").asLong(), "the fixture's METRICS.json layout changed");
        Files.writeString(cc.paths().usageJsonl(), "{}\n", StandardOpenOption.APPEND);

        assertEquals(2, noProjector().run("summarize").exit());
        assertEquals(2, noProjector().run("verify-routing").exit());
        CcRunner.Result summarize = cc.run("summarize", "--json");
        assertEquals(0, summarize.exit(), summarize.toString());
        assertEquals(events, JSON.readTree(summarize.out()).get("events").asLong());
        CcRunner.Result verify = cc.run("verify-routing", "--json");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals(2, JSON.readTree(verify.out()).get("decisions").asLong());
    }
}
