package dev.ccp.proxy;

import dev.ccp.events.Event;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy as its own OS process (Main), with a 64 MiB heap. */
class ProxyProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void hundredsOfMegabytesStreamThroughA64MiBHeapAndStopIsRecorded() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false)) {
            Path catalog = dir.resolve("providers.yaml");
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                      zai: { base_url: https://api.z.ai/api/anthropic, auth_env: ZAI_API_KEY }
                    routes: [ { match: haiku, provider: zai } ]
                    default_provider: anthropic
                    """.formatted(anthropic.baseUrl()));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ChildJvm.jvmFlags());
            command.addAll(List.of("-Xmx64m", "-Djava.util.logging.config.file=" + ChildJvm.projectRoot().resolve("configs/logging.properties"), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port", "0"));
            try (ChildJvm proxy = ChildJvm.start(command, Map.of(
                    "CCP_LOG_DIR", dir.resolve("logs").toString(),
                    "CCP_PROVIDERS_FILE", catalog.toString(),
                    "XDG_CONFIG_HOME", TestLicenses.unlicensed(dir).get("XDG_CONFIG_HOME"),
                    "ZAI_API_KEY", ""))) {
                String port = await().atMost(Duration.ofSeconds(30)).until(() -> proxy.stderr().stream()
                        .map(LISTENING::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null),
                        p -> p != null);
                assertTrue(proxy.stderr().contains(
                        "[ccp] ZAI_API_KEY is not set: haiku requests go to anthropic (decision missing_credentials)"),
                        () -> String.join("\n", proxy.stderr()));
                assertTrue(proxy.stderr().stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception: ")), () -> String.join("\n", proxy.stderr()));

                int mib = 300;
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-big-" + mib + "\",\"stream\":true}"))
                        .header("x-api-key", "sk-ant-client").build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, res.statusCode());
                long total = 0;
                byte[] buf = new byte[256 * 1024];
                byte[] tail = new byte[0];
                try (InputStream in = res.body()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        total += n;
                        if (n > 0) {
                            tail = java.util.Arrays.copyOfRange(buf, Math.max(0, n - 64), n);
                        }
                    }
                }
                assertTrue(total > (long) mib << 20, "relayed " + total + " bytes");
                assertTrue(new String(tail).contains("message_stop"), "the stream arrived whole");
                assertTrue(proxy.process().isAlive(), "the proxy survived with -Xmx64m");

                proxy.terminate();
                await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.process().isAlive());
                List<Event> events = EventReader.all(dir.resolve("logs").resolve("queue"));
                Event.ProxyStarted started = events.stream().filter(e -> e instanceof Event.ProxyStarted)
                        .map(Event.ProxyStarted.class::cast).findFirst().orElseThrow();
                assertEquals(List.of("ZAI_API_KEY is not set: haiku requests go to anthropic (decision missing_credentials)",
                                "zai_offload is not licensed (community mode): haiku requests go to anthropic (decision license_block)"),
                        started.warnings());
                assertTrue(proxy.stderr().stream().anyMatch(l -> l.startsWith("[license] plan=community features=[] (community mode: no license file at ")),
                        () -> String.join("\n", proxy.stderr()));
                assertTrue(events.getLast() instanceof Event.ProxyStopped, () -> "last event: " + events.getLast());
                Event.ResponseCompleted done = events.stream().filter(e -> e instanceof Event.ResponseCompleted)
                        .map(Event.ResponseCompleted.class::cast).findFirst().orElseThrow();
                assertEquals("ok", done.outcome());
                assertEquals(total, done.bytesRelayed());
                assertFalse(proxy.stderr().stream().anyMatch(l -> l.contains("OutOfMemoryError")));
            }
        }
    }

    @Test
    void aBrokenCatalogStopsStartWithOneLineNamingTheFile() throws Exception {
        Path catalog = dir.resolve("broken.yaml");
        Files.writeString(catalog, """
                providers:
                  anthropic: { base_url: https://api.anthropic.com, auth: passthrough }
                routes:
                  - match: haiku
                    provider: nowhere
                """);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        command.addAll(List.of("-Xmx64m", "-Djava.util.logging.config.file=" + ChildJvm.projectRoot().resolve("configs/logging.properties"), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", "0", "--providers", catalog.toString()));
        try (ChildJvm proxy = ChildJvm.start(command, Map.of("CCP_LOG_DIR", dir.resolve("logs").toString()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.process().isAlive());
            assertEquals(2, proxy.process().exitValue());
            List<String> err = proxy.stderr().stream().filter(l -> !l.startsWith("WARNING")).toList();
            assertEquals(1, err.size(), () -> String.join("\n", proxy.stderr()));
            assertTrue(err.getFirst().contains(catalog.toString()) && err.getFirst().contains("unknown provider nowhere"), err.getFirst());
        }
    }

    private static List<String> proxyCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildJvm.jvmFlags());
        command.addAll(List.of("-Xmx64m", "-Djava.util.logging.config.file=" + ChildJvm.projectRoot().resolve("configs/logging.properties"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        try (ChildJvm proxy = ChildJvm.start(proxyCommand("--help"), Map.of("CCP_LOG_DIR", dir.resolve("logs").toString()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.process().isAlive());
            assertEquals(0, proxy.process().exitValue(), () -> String.join("\n", proxy.stderr()));
            assertTrue(proxy.stdout().getFirst().startsWith("Usage: ccp-proxy [--host H] [--port N] [--providers FILE]"),
                    () -> String.join("\n", proxy.stdout()));
            assertTrue(proxy.stdout().stream().anyMatch(l -> l.contains("--help")));
        }
    }

    @Test
    void anOnOffVariableWithATypoStopsTheStartWithOneLine() {
        try (ChildJvm proxy = ChildJvm.start(proxyCommand("--port", "0"), Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(), "MITM_FORCE_H1", "ture"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.process().isAlive());
            assertEquals(2, proxy.process().exitValue());
            List<String> err = proxy.stderr().stream().filter(l -> !l.startsWith("WARNING")).toList();
            assertEquals(List.of("[ccp] proxy cannot start: MITM_FORCE_H1=ture is neither on nor off (use 1 or 0)"), err);
        }
    }
}
