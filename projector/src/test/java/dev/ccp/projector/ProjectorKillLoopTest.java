package dev.ccp.projector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.projector.testing.ProjectionSnapshot;
import dev.ccp.projector.testing.SyntheticTrafficMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While a writer process appends traffic, the projector process is SIGKILLed at random points and
 * restarted, many times; what it built in the end equals a clean --rebuild, byte for byte.
 */
class ProjectorKillLoopTest {
    private static final int REQUESTS = 12_000;
    private static final int KILLS = 10;

    @TempDir
    Path dir;

    @Test
    void projectionsBuiltAcrossRandomSigkillsEqualACleanRebuild() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        Map<String, String> env = Map.of(
                "CCP_LOG_DIR", paths.logDir().toString(),
                "CCP_DB_PATH", paths.dbPath().toString(),
                "CCP_RESULTS_DIR", paths.resultsDir().toString(),
                "CCP_ROLLUP_INTERVAL", "300ms",
                "CCP_SAMPLE_TTL_DAYS", "2");
        Random random = new Random(20261124);
        // About 55,000 entries over five days of event time, written at ~2,500 a second.
        try (ChildJvm writer = ChildJvm.start(SyntheticTrafficMain.class, Map.of(), paths.queueDir().toString(),
                String.valueOf(REQUESTS), "8000000", "1500", "700", "2500", "k", "11")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.stdout().contains("ready"));
            long seen = -1;
            for (int i = 0; i < KILLS; i++) {
                try (ChildJvm projector = ChildJvm.start(Main.class, env, "--metrics-port", "0")) {
                    long before = seen;
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> !projector.process().isAlive() || checkpoint(paths.dbPath()) > before
                                    || (finished(writer) && projector.stdout().stream().anyMatch(l -> l.contains("following"))));
                    assertTrue(projector.process().isAlive(), () -> "the projector died: " + projector.stderr());
                    // A random instant within the next half second, mid-batch or mid-commit.
                    await().pollDelay(Duration.ofMillis(random.nextInt(500))).until(() -> true);
                    projector.kill();
                    seen = checkpoint(paths.dbPath());
                }
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> finished(writer));
        }
        try (ChildJvm last = ChildJvm.start(Main.class, env, "--once", "--metrics-port", "0")) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !last.process().isAlive());
            assertEquals(0, last.process().exitValue(), () -> String.join("\n", last.stderr()));
        }
        ProjectionSnapshot killed = ProjectionSnapshot.of(paths);

        try (ChildJvm rebuild = ChildJvm.start(Main.class, env, "--rebuild", "--metrics-port", "0")) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !rebuild.process().isAlive());
            assertEquals(0, rebuild.process().exitValue(), () -> String.join("\n", rebuild.stderr()));
            assertTrue(rebuild.stdout().stream().anyMatch(l -> l.startsWith("ccp-projector: rebuilt from")), rebuild.stdout()::toString);
        }
        ProjectionSnapshot rebuilt = ProjectionSnapshot.of(paths);

        assertEquals(rebuilt.usageJsonl(), killed.usageJsonl(), "usage.jsonl");
        assertEquals(rebuilt.metricsJson(), killed.metricsJson(), "METRICS.json");
        assertEquals(rebuilt.partials(), killed.partials(), "partials");
        for (String table : ProjectionSnapshot.TABLES.keySet()) {
            assertEquals(rebuilt.tables().get(table), killed.tables().get(table), table);
        }

        // Every request is there once: finished, or closed as proxy_lost by a restart.
        List<String> lines = killed.usageLines();
        long imported = java.util.stream.LongStream.range(0, REQUESTS).filter(n -> n % 101 == 50).count();
        assertEquals(REQUESTS + imported, lines.size());
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            assertTrue(ids.add(json.readTree(line).get("req_id").asText()), line);
        }
        assertTrue(killed.usageJsonl().contains("\"outcome\":\"proxy_lost\""));
        assertTrue(Files.list(paths.partialsDir()).findAny().isPresent());
    }

    private static boolean finished(ChildJvm writer) {
        return writer.stdout().stream().anyMatch(l -> l.startsWith("done"));
    }

    private static long checkpoint(Path db) {
        if (!Files.exists(db)) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(min(idx), -1) FROM checkpoints WHERE name <> 'sqlite-rollups'")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
