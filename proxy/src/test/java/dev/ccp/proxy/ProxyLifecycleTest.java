package dev.ccp.proxy;

import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TwoLaneCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A proxy started and stopped 20 times in one JVM, each time serving requests to two providers over
 * pooled keep-alive connections, leaves no thread, socket or file handle behind.
 */
class ProxyLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void twentyStartsAndStopsLeaveNoThreadSocketOrFileHandle() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true)) {
            Map<String, String> env = Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(),
                    "CCP_PROVIDERS_FILE", TwoLaneCatalog.write(dir, anthropic, zai).toString(),
                    "XDG_CONFIG_HOME", dir.resolve("config").toString(),
                    "ZAI_API_KEY", "zai-lifecycle-key",
                    "CCP_RELOAD_INTERVAL", "50ms");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // The first cycle creates what lives as long as the JVM (Chronicle's and Helidon's shared parts).
            cycle(env, http);
            List<String> threadsBefore = threads();
            long socketsBefore = fds("socket:");
            long filesBefore = fds("/");
            for (int i = 0; i < 20; i++) {
                cycle(env, http);
            }
            http.close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                // A leak is a thread more than before; JVM-wide threads of other tests in this fork
                // (the JDK's Keep-Alive-Timer, process reapers) may end meanwhile, which is no leak.
                assertEquals(List.of(), more(threads(), threadsBefore), "threads started and not stopped");
                // No more than before (the JVM may have closed a jar meanwhile).
                long sockets = fds("socket:");
                long files = fds("/");
                assertTrue(sockets <= socketsBefore, "sockets: " + sockets + ", before " + socketsBefore);
                assertTrue(files <= filesBefore, "open files: " + files + ", before " + filesBefore);
            });
        }
    }

    private static void cycle(Map<String, String> env, HttpClient http) throws Exception {
        ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env));
        try {
            for (String model : List.of("claude-3-5-haiku-x", "claude-sonnet-4")) {
                for (boolean stream : List.of(false, true)) {
                    HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                            .header("x-api-key", "sk-ant-lifecycle")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream + "}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, res.statusCode(), res.body());
                }
            }
        } finally {
            proxy.stop("test");
        }
    }

    /**
     * Live platform threads by name, sorted. Left out: the carriers of virtual threads and the HTTP
     * client's selector (they come and go with load), and {@code helidon-idle-connection-timer}:
     * Helidon 4.5's WebServer starts one per server and never cancels it (its idle check is a
     * TimerTask with no stop, on a Timer no field keeps), so a stopped server leaves that one daemon
     * thread whatever its user does.
     */
    private static List<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> !n.startsWith("ForkJoinPool") && !n.startsWith("HttpClient-") && !n.equals("Attach Listener")
                        && !n.equals("awaitility-thread") && !n.equals("helidon-idle-connection-timer"))
                .sorted().toList();
    }

    /** The names in {@code after} beyond those in {@code before}, counting repeats. */
    private static List<String> more(List<String> after, List<String> before) {
        List<String> extra = new ArrayList<>(after);
        for (String name : before) {
            extra.remove(name);
        }
        return extra;
    }

    /** This process's open descriptors whose target starts with {@code prefix} (Linux /proc). */
    private static long fds(String prefix) throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // Closed while listed.
                }
            }
        }
        return targets.stream().filter(t -> t.startsWith(prefix) && !t.startsWith("/proc/")).count();
    }
}
