package dev.ccp.projector;

import dev.ccp.events.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/ccp-projector's answers to bad input: one clear line and exit status 2, never a stack trace. */
class ProjectorCommandTest {

    @TempDir
    Path dir;

    private ChildJvm run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_RESULTS_DIR", dir.resolve("results").toString()));
        env.putAll(extraEnv);
        ChildJvm child = ChildJvm.start(Main.class, env, args);
        await().atMost(Duration.ofSeconds(60)).until(() -> !child.process().isAlive());
        return child;
    }

    private static List<String> ours(List<String> stderr) {
        return stderr.stream().filter(l -> l.startsWith("ccp-projector:")).toList();
    }

    @Test
    void anUnknownProjectionIsRefusedInOneLine() {
        try (ChildJvm c = run(Map.of(), "--once", "--only", "usage-jsonl,quotas")) {
            assertEquals(2, c.process().exitValue());
            assertEquals(List.of("ccp-projector: unknown projection 'quotas' (known: usage-jsonl,sqlite,metrics,partials)"),
                    ours(c.stderr()));
            assertTrue(c.stderr().stream().noneMatch(l -> l.contains("\tat ")), c.stderr()::toString);
        }
    }

    @Test
    void aMalformedVariableIsRefusedInOneLineNamingIt() {
        try (ChildJvm c = run(Map.of("CCP_ROLLUP_INTERVAL", "soon"), "--once")) {
            assertEquals(2, c.process().exitValue());
            assertEquals(1, ours(c.stderr()).size(), c.stderr()::toString);
            assertTrue(ours(c.stderr()).getFirst().contains("CCP_ROLLUP_INTERVAL=soon is not a duration"));
        }
    }

    @Test
    void onceOnAnEmptyLogSucceedsAndSaysWhatItDid() {
        try (ChildJvm c = run(Map.of(), "--once", "--metrics-port", "0")) {
            assertEquals(0, c.process().exitValue(), c.stderr()::toString);
            assertTrue(c.stdout().stream().anyMatch(l -> l.startsWith("ccp-projector: applied 0 events")), c.stdout()::toString);
        }
    }
}
