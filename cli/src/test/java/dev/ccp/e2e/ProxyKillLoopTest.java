package dev.ccp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.ModuleJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy as a real process, SIGKILLed at random moments while clients keep it busy, restarted,
 * eight times; then the projector builds usage.jsonl from the log. Every request whose client saw
 * the whole answer is there exactly once with outcome {@code ok}: nothing a client saw complete is
 * lost or recorded as {@code proxy_lost}. ({@code make chaos} runs this test alone.)
 */
class ProxyKillLoopTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final int ROUNDS = 8;
    private static final int CLIENTS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyAnswerAClientSawWholeIsInUsageOnceAsOkAcrossRandomSigkills() throws Exception {
        Random random = new Random(20261203);
        Set<String> seenWhole = ConcurrentHashMap.newKeySet();
        AtomicInteger inFlightAtKills = new AtomicInteger();
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false)) {
            Map<String, String> env = new HashMap<>();
            env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
            env.put("CCP_DB_PATH", dir.resolve("logs/ccp.sqlite3").toString());
            env.put("CCP_RESULTS_DIR", dir.resolve("results").toString());
            Path catalog = dir.resolve("providers.yaml");
            Files.writeString(catalog, """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                    routes: []
                    default_provider: anthropic
                    """.formatted(anthropic.baseUrl()));
            env.put("CCP_PROVIDERS_FILE", catalog.toString());
            env.put("HOME", dir.toString());
            env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
            for (int round = 0; round < ROUNDS; round++) {
                try (ChildJvm proxy = ChildJvm.start(ModuleJars.command("proxy", "--port", "0"), env)) {
                    String port = await().atMost(Duration.ofSeconds(60)).until(() -> proxy.stderr().stream()
                            .map(LISTENING::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null),
                            p -> p != null || !proxy.process().isAlive());
                    assertTrue(proxy.process().isAlive(), () -> String.join("\n", proxy.stderr()));
                    AtomicBoolean killed = new AtomicBoolean();
                    AtomicInteger inFlight = new AtomicInteger();
                    AtomicInteger done = new AtomicInteger();
                    List<Thread> clients = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        String name = "r" + round + "c" + c;
                        boolean stream = c % 2 == 0;
                        clients.add(Thread.ofPlatform().name("client-" + name).start(
                                () -> keepAsking(port, name, stream, killed, inFlight, done, seenWhole)));
                    }
                    int before = done.get();
                    // Busy first, then a random instant within the next 700 ms.
                    await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= before + 50);
                    await().pollDelay(Duration.ofMillis(random.nextInt(700))).until(() -> true);
                    inFlightAtKills.addAndGet(inFlight.get());
                    killed.set(true);
                    proxy.kill();
                    for (Thread t : clients) {
                        t.join(Duration.ofSeconds(60));
                    }
                }
            }
        }
        assertTrue(inFlightAtKills.get() > 0, "the kills landed while requests were in flight");

        try (ChildJvm projector = ChildJvm.start(ModuleJars.command("projector", "--once", "--metrics-port", "0"), Map.of(
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_DB_PATH", dir.resolve("logs/ccp.sqlite3").toString(),
                "CCP_RESULTS_DIR", dir.resolve("results").toString()))) {
            await().atMost(Duration.ofSeconds(120)).until(() -> !projector.process().isAlive());
            assertEquals(0, projector.process().exitValue(), () -> String.join("\n", projector.stderr()));
        }
        Map<String, List<JsonNode>> lines = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("logs/usage.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            lines.computeIfAbsent(n.get("req_id").asText(), k -> new ArrayList<>()).add(n);
        }
        int lost = 0;
        int wrong = 0;
        List<String> problems = new ArrayList<>();
        for (String reqId : seenWhole) {
            List<JsonNode> mine = lines.getOrDefault(reqId, List.of());
            if (mine.isEmpty()) {
                lost++;
                problems.add(reqId + ": no line");
            } else if (!mine.getFirst().get("outcome").asText().equals("ok")) {
                wrong++;
                problems.add(reqId + ": " + mine.getFirst());
            }
        }
        long duplicated = lines.values().stream().filter(l -> l.size() > 1).count();
        System.out.println("kill loop: " + ROUNDS + " SIGKILLs, " + seenWhole.size() + " answers seen whole, "
                + inFlightAtKills.get() + " requests in flight at the kills; " + lost + " lost, " + wrong
                + " wrong outcome, " + duplicated + " duplicated");
        assertTrue(seenWhole.size() > ROUNDS * 50, "answers seen whole: " + seenWhole.size());
        assertEquals("0 lost, 0 wrong outcome, 0 duplicated", lost + " lost, " + wrong + " wrong outcome, "
                + duplicated + " duplicated", () -> "of " + seenWhole.size() + " answers seen whole: " + problems);
    }

    /** One client: asks again and again until the proxy is killed; notes each answer it saw whole. */
    private static void keepAsking(String port, String name, boolean stream, AtomicBoolean killed, AtomicInteger inFlight,
                                   AtomicInteger done, Set<String> seenWhole) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; !killed.get(); i++) {
            String body = "{\"model\":\"claude-sonnet-" + name + "-" + i + "\",\"max_tokens\":5" + (stream ? ",\"stream\":true" : "") + "}";
            inFlight.incrementAndGet();
            try {
                HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                        .timeout(Duration.ofSeconds(30)).header("x-api-key", "sk-ant-kill-loop")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
                String text;
                try (InputStream in = res.body()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                String reqId = res.headers().firstValue("x-ccp-request-id").orElse(null);
                boolean whole = res.statusCode() == 200 && (stream ? text.endsWith("data: {\"type\":\"message_stop\"}\n\n")
                        : text.contains("\"stop_reason\":\"end_turn\"") && text.endsWith("}"));
                if (whole && reqId != null) {
                    seenWhole.add(reqId);
                    done.incrementAndGet();
                }
            } catch (Exception e) {
                // The proxy died under this request: the client did not see the whole answer.
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }
}
