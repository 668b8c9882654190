package dev.ccp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Makefile targets cheap enough to run in a test, with a real make. */
class MakefileTest {
    private static final Path ROOT = Path.of(System.getProperty("ccp.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path home;

    record Run(int exit, String out) {
    }

    private Run make(String... targetAndVars) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("make", "-s", "-C", ROOT.toString()));
        cmd.addAll(List.of(targetAndVars));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> !List.of("PATH", "LANG").contains(k));
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void helpListsEveryTargetOfTheGuide() throws Exception {
        Run help = make("help");
        assertEquals(0, help.exit(), help.out());
        for (String t : List.of("build", "run", "test", "mitm", "proxy", "projector", "summarize", "verify-routing", "bundle",
                "repo-map", "repo-map-md", "longrun-model-only", "tee-on", "tee-off", "bench", "replay")) {
            assertTrue(help.out().lines().anyMatch(l -> l.startsWith("  " + t + " ")), t + " in\n" + help.out());
        }
    }

    @Test
    void teeOnWritesTheFlagFileTheProxyWatchesAndTeeOffRemovesIt() throws Exception {
        Path flag = home.resolve(".config/ccp/tee");

        Run on = make("tee-on", "TEE_MAX_BYTES=2048");
        assertEquals(0, on.exit(), on.out());
        assertEquals("2048\n", Files.readString(flag));
        assertTrue(on.out().startsWith("[ccp] body sampling ON: " + flag), on.out());

        Run off = make("tee-off");
        assertEquals(0, off.exit(), off.out());
        assertFalse(Files.exists(flag));
    }

    @Test
    void longrunRefusesABadDurationBeforeStartingAnything() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/longrun-model-only.sh").toString()).redirectErrorStream(true);
        pb.environment().put("DURATION", "soon");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertEquals("longrun: DURATION='soon' is not a duration (30s, 5m, 1h)\n", out);
    }
}
