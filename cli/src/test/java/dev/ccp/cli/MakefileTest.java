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
    void helpPromisesForAFailedCheckTheStatusMakeReallyGives() throws Exception {
        // make turns any failed recipe into its own status 2; the help must not promise cc's 1.
        Run help = make("help");
        for (String t : List.of("verify-routing", "bundle")) {
            String line = help.out().lines().filter(l -> l.startsWith("  " + t + " ")).findFirst().orElseThrow();
            assertTrue(line.contains("make exits 2, bin/cc " + t + " exits 1"), line);
        }
        Run failed = make("-f", ROOT.resolve("Makefile").toString(), "verify-routing", "CC=false");
        assertEquals(2, failed.exit(), failed.out());
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

    @Test
    void longrunWithFakesRefusesAPortAnotherServerAnswersOnAndWritesNothingIntoAnExportedLogDir() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            byte[] ok = "ok".getBytes();
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        other.start();
        Path exported = home.resolve("exported-logs");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/longrun-model-only.sh").toString())
                    .redirectErrorStream(true);
            pb.environment().putAll(java.util.Map.of("FAKE", "1", "DURATION", "1s", "CCP_LOG_DIR", exported.toString(),
                    "SOAK_PORT", String.valueOf(other.getAddress().getPort())));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));

            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("longrun: something already answers on 127.0.0.1:" + other.getAddress().getPort()
                    + "; FAKE=1 starts its own proxy"), out);
            assertTrue(seen.stream().noneMatch(r -> r.startsWith("POST")), "no request reached the other server: " + seen);
            assertFalse(Files.exists(exported), "nothing written into the exported CCP_LOG_DIR");
        } finally {
            other.stop(0);
        }
    }
}
