package dev.ccp.e2e;

import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import dev.ccp.events.testing.ChildJvm;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code make run}'s launcher, {@code bin/ccp-run}: two JVM processes, both stopped by one Ctrl-C.
 * Needs the packaged jars, which the reactor has built by the time this module's tests run.
 */
class RunLauncherTest {

    @TempDir
    Path dir;

    @Test
    void runStartsTwoJvmProcessesThatBothStopOnOneCtrlC() throws Exception {
        Path root = ChildJvm.projectRoot();
        assumeTrue(Files.exists(root.resolve("proxy/target/ccp-proxy.jar"))
                && Files.exists(root.resolve("projector/target/ccp-projector.jar")), "jars not packaged yet");
        int port = freePort();
        // A terminal's Ctrl-C reaches the whole foreground process group with SIGINT at its default
        // action: setsid makes that group, env --default-signal undoes an inherited "ignore".
        ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "setsid",
                root.resolve("bin/ccp-run").toString(), "--port", String.valueOf(port));
        builder.environment().putAll(Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_RESULTS_DIR", dir.resolve("results").toString(),
                "CCP_PROJECTOR_METRICS_PORT", String.valueOf(freePort()),
                "HOME", dir.toString()));
        builder.environment().remove("ZAI_API_KEY");
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile());
        Process run = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            List<ProcessHandle> jvms = await().atMost(Duration.ofSeconds(30))
                    .until(() -> ccpJvms(run), l -> l.size() == 2);
            // The proxy answers /healthz as soon as it listens; its start-up lines follow a moment later.
            String log = await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("run.log")),
                    l -> l.contains("proxy listening on"));
            assertTrue(log.contains("ZAI_API_KEY is not set"), log);
            assertTrue(!log.contains("\tat "), "no stack trace at start:\n" + log);

            new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).inheritIO().start().waitFor();

            await().atMost(Duration.ofSeconds(30)).until(() -> jvms.stream().noneMatch(ProcessHandle::isAlive));
            await().atMost(Duration.ofSeconds(10)).until(() -> !run.isAlive());
            try (EventLog log2 = EventLog.open(dir.resolve("logs/queue")); EventTailer tailer = log2.fromStart()) {
                List<Event> events = new ArrayList<>();
                for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
                    events.add(assertInstanceOf(LogEntry.Read.class, e).event());
                }
                assertInstanceOf(Event.ProxyStarted.class, events.getFirst());
                assertInstanceOf(Event.ProxyStopped.class, events.getLast(), "the proxy closed its log cleanly");
            }
            assertEquals(2, jvms.size());
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }

    private static List<ProcessHandle> ccpJvms(Process run) {
        return run.descendants().filter(p -> p.info().commandLine()
                .map(c -> c.contains("ccp-proxy.jar") || c.contains("ccp-projector.jar")).orElse(false)).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
