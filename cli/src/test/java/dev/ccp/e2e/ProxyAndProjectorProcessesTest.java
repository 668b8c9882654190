package dev.ccp.e2e;

import dev.ccp.testkit.ModuleJars;
import dev.ccp.testkit.TwoLaneCatalog;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.testkit.FakeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product as it runs: the proxy and the projector as two OS processes sharing only the event
 * log, Claude Code's SDK as the client, fake providers as real HTTP servers. What the operator reads
 * (usage.jsonl, the SQLite samples, METRICS.json, the proxy's /v1/usage endpoint) must agree with the
 * requests that were made.
 */
class ProxyAndProjectorProcessesTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_KEY = "sk-ant-e2e-client-credential";
    private static final String ZAI_KEY = "zai-e2e-key";

    @TempDir
    Path dir;

    @Test
    void trafficThroughTheProxyProcessIsProjectedByTheProjectorProcess() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true)) {
            Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
            Map<String, String> env = new HashMap<>();
            env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
            env.put("CCP_DB_PATH", dir.resolve("logs/ccp.sqlite3").toString());
            env.put("CCP_RESULTS_DIR", dir.resolve("results").toString());
            env.put("CCP_PROVIDERS_FILE", catalog.toString());
            env.put("HOME", dir.toString());
            // Offload to Z.AI needs the zai_offload feature: without a license it would be license_block.
            env.putAll(dev.ccp.testkit.TestLicenses.licensed(dir));
            env.put("ZAI_API_KEY", ZAI_KEY);

            try (ChildJvm proxy = ChildJvm.start(ModuleJars.command("proxy", "--port", "0"), env);
                 ChildJvm projector = ChildJvm.start(ModuleJars.command("projector", "--metrics-port", "0"), env)) {
                String port = await().atMost(Duration.ofSeconds(60)).until(() -> proxy.stderr().stream()
                        .map(LISTENING::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null),
                        p -> p != null);
                AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port)
                        .apiKey(CLIENT_KEY).maxRetries(0).build();

                Message haiku = client.messages().create(params("claude-3-5-haiku-20241022"));
                Message sonnet = client.messages().create(params("claude-sonnet-4-5"));
                assertFalse(haiku.content().isEmpty());
                assertFalse(sonnet.content().isEmpty());
                for (String model : List.of("claude-haiku-4-5", "claude-opus-4-1")) {
                    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params(model))) {
                        assertTrue(stream.stream().anyMatch(RawMessageStreamEvent::isMessageStop));
                    }
                }

                // The operator's view, built by the other process.
                Path usage = dir.resolve("logs/usage.jsonl");
                List<JsonNode> lines = await().atMost(Duration.ofSeconds(60))
                        .until(() -> readLines(usage), l -> l.size() == 4);
                Map<String, String> laneByModel = new HashMap<>();
                for (JsonNode line : lines) {
                    laneByModel.put(line.get("model").asText(), line.get("lane").asText());
                    assertEquals(200, line.get("status").asInt());
                    assertEquals("ok", line.get("outcome").asText());
                }
                assertEquals(Map.of("claude-3-5-haiku-20241022", "zai", "claude-haiku-4-5", "zai",
                        "claude-sonnet-4-5", "anthropic", "claude-opus-4-1", "anthropic"), laneByModel);
                for (JsonNode line : lines) {
                    String expectedMode = line.get("lane").asText().equals("zai") ? "x-api-key" : "passthrough";
                    assertEquals(expectedMode, line.get("header_mode").asText(), line.toString());
                }
                String raw = Files.readString(usage);
                assertFalse(raw.contains(CLIENT_KEY) || raw.contains(ZAI_KEY), "no credential in usage.jsonl");
                assertTrue(raw.lines().anyMatch(l -> l.contains("\"lane\":\"zai\"") && l.contains("haiku")),
                        "the guide's rg '\"lane\":\"zai\"' smoke test finds the haiku lines");

                await().atMost(Duration.ofSeconds(30)).until(() -> sampleCount(dir.resolve("logs/ccp.sqlite3")) == 4);
                JsonNode metrics = await().atMost(Duration.ofSeconds(30)).until(
                        () -> readJson(dir.resolve("results/METRICS.json")),
                        m -> m != null && m.toString().contains("\"zai\""));
                assertTrue(metrics.toString().contains("\"anthropic\""), metrics.toString());

                HttpResponse<String> samples = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/usage/samples?since=0")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, samples.statusCode());
                assertEquals(2, samples.body().split("\"lane\":\"zai\"", -1).length - 1, samples.body());

                // Credentials never crossed: each fake saw only its own.
                assertTrue(zai.seen().stream().allMatch(s -> ZAI_KEY.equals(s.header("x-api-key"))
                        && s.header("authorization") == null));
                assertTrue(anthropic.seen().stream().noneMatch(s -> String.valueOf(s.headers()).contains(ZAI_KEY)));

                proxy.terminate();
                projector.terminate();
                await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.process().isAlive() && !projector.process().isAlive());
                assertTrue(proxy.stderr().stream().noneMatch(l -> l.startsWith("\tat ")), () -> String.join("\n", proxy.stderr()));
                assertTrue(projector.stderr().stream().noneMatch(l -> l.startsWith("\tat ")), () -> String.join("\n", projector.stderr()));
            }
        }
    }

    private static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hi").build();
    }

    private static List<JsonNode> readLines(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static JsonNode readJson(Path file) throws Exception {
        return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
    }

    private static long sampleCount(Path db) throws Exception {
        if (!Files.exists(db)) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("select count(*) from samples")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
