package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.EventFixture;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.testkit.ModuleJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make summarize / make verify-routing beside make run: the projector process holds the projections. */
class BesideRunningProjectorTest {
    @TempDir
    Path root;

    @Test
    void summarizeAndVerifyRoutingWaitForTheRunningProjectorInsteadOfFailing() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.system());
        EventFixture fx = new EventFixture(cc.paths(), Instant.parse("2026-11-24T09:00:00Z")).haikuOnZai().write();
        try (ChildJvm projector = ChildJvm.start(ModuleJars.command("projector", "--metrics-port", "0"), Map.of(
                "CCP_HOME", root.toString(), "CCP_LOG_DIR", cc.paths().logDir().toString(),
                "CCP_DB_PATH", cc.paths().dbPath().toString(), "CCP_RESULTS_DIR", cc.paths().resultsDir().toString()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(cc.paths().usageJsonl())
                    && Files.readAllLines(cc.paths().usageJsonl()).size() == 1);
            fx.sonnetOnAnthropic().write();

            CcRunner.Result verify = cc.run("verify-routing", "--json");
            assertEquals(0, verify.exit(), verify + "\nprojector: " + projector.stderr());
            assertEquals(2, new ObjectMapper().readTree(verify.out()).get("decisions").asLong());

            CcRunner.Result summarize = cc.run("summarize", "--json");
            assertEquals(0, summarize.exit(), summarize.toString());
            // The running projector paces METRICS.json; summarize waited for it to reach the log's end.
            assertEquals(2, new ObjectMapper().readTree(summarize.out()).at("/total/count").asLong());
        }
    }

    @Test
    void replayBesideARunningProjectorRefusesWithItsAdviceOnce() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.system());
        new EventFixture(cc.paths(), Instant.parse("2026-11-24T09:00:00Z")).haikuOnZai().write();
        try (ChildJvm projector = ChildJvm.start(ModuleJars.command("projector", "--metrics-port", "0"), Map.of(
                "CCP_HOME", root.toString(), "CCP_LOG_DIR", cc.paths().logDir().toString(),
                "CCP_DB_PATH", cc.paths().dbPath().toString(), "CCP_RESULTS_DIR", cc.paths().resultsDir().toString()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(cc.paths().usageJsonl())
                    && Files.readAllLines(cc.paths().usageJsonl()).size() == 1);

            CcRunner.Result replay = cc.run("replay");

            assertEquals(2, replay.exit(), replay.toString());
            assertEquals(1, replay.errLines().size(), replay.err());
            String line = replay.errLines().get(0);
            assertTrue(line.startsWith("cc replay: projection "), line);
            assertEquals(line.indexOf("stop"), line.lastIndexOf("stop"), "the advice is given once: " + line);
            assertTrue(line.endsWith("; stop the running projector first (cc off, or Ctrl-C on make run)"), line);
        }
    }
}
