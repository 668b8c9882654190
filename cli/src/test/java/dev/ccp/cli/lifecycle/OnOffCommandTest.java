package dev.ccp.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.testkit.ModuleJars;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cc on} / {@code cc off} start and stop the real proxy and projector as separate OS processes. */
class OnOffCommandTest {
    @TempDir
    Path root;

    private CcRunner cc;

    private CcRunner cc() {
        cc = new CcRunner(root, InstantSource.system())
                .env("CCP_LAUNCH_CLASSPATH", ModuleJars.classpath("proxy", "projector"))
                .env("CCP_LAUNCH_JVM_ARGS", String.join(" ", ChildJvm.jvmFlags()) + " -Xmx128m -XX:TieredStopAtLevel=1");
        return cc;
    }

    @AfterEach
    void stopWhatIsLeft() {
        if (cc != null) {
            cc.run("off");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void onStartsProxyAndProjectorWritesEnvAndPidsAndOffStopsBoth() throws Exception {
        CcRunner cc = cc();
        int port = freePort();

        CcRunner.Result on = cc.run("on", String.valueOf(port), "--metrics-port", "0", "--json");

        assertEquals(0, on.exit(), on.toString());
        JsonNode doc = new ObjectMapper().readTree(on.out());
        assertTrue(doc.get("started").asBoolean());
        long proxyPid = doc.get("proxy_pid").asLong();
        long projectorPid = doc.get("projector_pid").asLong();
        assertEquals(String.valueOf(proxyPid), Files.readString(cc.paths().logDir().resolve("ccp-proxy.pid")).strip());
        assertEquals(String.valueOf(projectorPid), Files.readString(cc.paths().logDir().resolve("ccp-projector.pid")).strip());
        assertTrue(ProcessHandle.of(proxyPid).orElseThrow().isAlive());
        assertTrue(ProcessHandle.of(projectorPid).orElseThrow().isAlive());
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(Files.readString(cc.paths().logDir().resolve("ccp.env")).startsWith(
                "export ANTHROPIC_BASE_URL=http://127.0.0.1:" + port + "\n"));
        // The projector really follows the proxy's log: the ProxyStarted event reaches its checkpoint.
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(cc.paths().usageJsonl()));

        CcRunner.Result again = cc.run("on", String.valueOf(port), "--metrics-port", "0");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().startsWith("ccp is already running: proxy pid " + proxyPid + " (http://127.0.0.1:" + port + ")"),
                again.out());

        CcRunner.Result off = cc.run("off");
        assertEquals(0, off.exit(), off.toString());
        assertEquals("ccp off: stopped ccp-proxy (pid " + proxyPid + ") and ccp-projector (pid " + projectorPid + ")\n", off.out());
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(proxyPid).map(h -> !h.isAlive()).orElse(true)
                && ProcessHandle.of(projectorPid).map(h -> !h.isAlive()).orElse(true));
        assertFalse(Files.exists(cc.paths().logDir().resolve("ccp-proxy.pid")));
        assertFalse(Files.exists(cc.paths().logDir().resolve("ccp.env")));

        CcRunner.Result offAgain = cc.run("off");
        assertEquals(0, offAgain.exit());
        assertEquals("ccp is not running (no live pid file under " + cc.paths().logDir() + ")\n", offAgain.out());
    }

    @Test
    void aProxyThatCannotStartIsOneLineNamingWhyAndLeavesNothingRunning() throws Exception {
        CcRunner cc = cc().env("CCP_PROVIDERS_FILE", root.resolve("missing.yaml").toString());

        CcRunner.Result on = cc.run("on", String.valueOf(freePort()), "--metrics-port", "0");

        assertEquals(2, on.exit(), on.toString());
        assertEquals(1, on.errLines().size(), on.err());
        assertTrue(on.err().startsWith("cc on: the proxy stopped while starting: [ccp] proxy cannot start:"), on.err());
        assertTrue(on.err().contains("missing.yaml"), on.err());
        assertFalse(Files.exists(cc.paths().logDir().resolve("ccp-projector.pid")), "the projector was stopped too");
    }

    @Test
    void offNeverStopsAForeignProcessAPidFileNamesAndClearsStalePidFiles() throws Exception {
        CcRunner cc = cc();
        Process foreign = new ProcessBuilder("sleep", "60").start();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try {
            Files.createDirectories(cc.paths().logDir());
            Files.writeString(cc.paths().logDir().resolve("ccp-proxy.pid"), foreign.pid() + "\n");
            Files.writeString(cc.paths().logDir().resolve("ccp-projector.pid"), gone.pid() + "\n");

            CcRunner.Result off = cc.run("off");

            assertEquals(0, off.exit(), off.toString());
            assertEquals("ccp is not running (no live pid file under " + cc.paths().logDir() + ")\n", off.out());
            assertTrue(foreign.isAlive(), "a reused pid of another program is left alone");
            assertFalse(Files.exists(cc.paths().logDir().resolve("ccp-proxy.pid")));
            assertFalse(Files.exists(cc.paths().logDir().resolve("ccp-projector.pid")));
        } finally {
            foreign.destroyForcibly();
        }
    }
}
