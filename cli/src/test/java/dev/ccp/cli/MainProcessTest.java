package dev.ccp.cli;

import dev.ccp.events.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Main} as a real OS process: its exit status and its two streams. */
class MainProcessTest {
    @TempDir
    Path home;

    private ChildJvm cc(String... args) {
        return ChildJvm.start(Main.class, Map.of("HOME", home.toString(), "CCP_HOME", home.toString()), args);
    }

    @Test
    void envCommandPrintsToStdoutAndExitsZero() throws Exception {
        try (ChildJvm child = cc("env", "9999")) {
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, child.process().exitValue());
            await().atMost(Duration.ofSeconds(10)).until(() -> child.stdout().size() == 4);
            assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9999", child.stdout().getFirst());
            assertTrue(child.stdout().get(2).startsWith("export ANTHROPIC_CUSTOM_HEADERS='x-ccp-project: "), child.stdout().toString());
        }
    }

    @Test
    void badOptionExitsTwoWithOneLineAndNoStackTrace() throws Exception {
        try (ChildJvm child = cc("model", "--bogus")) {
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, child.process().exitValue());
            await().atMost(Duration.ofSeconds(10)).until(() -> !child.stderr().isEmpty());
            assertEquals(List.of("cc model: Unknown option: '--bogus' (see 'cc model --help')"), child.stderr());
            assertEquals(List.of(), child.stdout());
        }
    }
}
