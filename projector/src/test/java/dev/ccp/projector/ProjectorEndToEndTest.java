package dev.ccp.projector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.projector.testing.ProjectionSnapshot;
import dev.ccp.projector.testing.ProxyLikeMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A proxy-like writer process and the projector process: what the requests did shows up in every projection. */
class ProjectorEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static double metric(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in\n" + text));
    }

    @Test
    void requestsThroughAProxyProcessAppearInUsageJsonlSamplesAndMetricsOfAFollowingProjectorProcess() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        // zai charges 1 USD per million tokens of glm-4.5-air (the haiku route rewrites to it); Anthropic lists haiku at 4.
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(prices, """
                prices:
                  - {provider: zai, match: glm-4.5-air, effective_from: 2020-01-01, input: 1, output: 1}
                  - {provider: anthropic, match: haiku, effective_from: 2020-01-01, input: 4, output: 4}
                """);
        Map<String, String> env = Map.of(
                "CCP_LOG_DIR", paths.logDir().toString(),
                "CCP_DB_PATH", paths.dbPath().toString(),
                "CCP_RESULTS_DIR", paths.resultsDir().toString(),
                "CCP_ROLLUP_INTERVAL", "0",
                "CCP_PRICES_FILE", prices.toString());
        HttpClient http = HttpClient.newHttpClient();
        try (ChildJvm proxy = ChildJvm.start(ProxyLikeMain.class, Map.of(), paths.queueDir().toString());
             ChildJvm projector = ChildJvm.start(Main.class, env, "--metrics-port", String.valueOf(metricsPort))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertTrue(
                    proxy.stdout().stream().anyMatch(l -> l.startsWith("listening ")), () -> "proxy: " + proxy.stdout() + proxy.stderr()));
            int port = Integer.parseInt(proxy.stdout().stream().filter(l -> l.startsWith("listening ")).findFirst()
                    .orElseThrow().substring("listening ".length()));
            for (int i = 0; i < 20; i++) {
                String model = i % 2 == 0 ? "claude-3-5-haiku-20241022" : "claude-sonnet-4-5";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages?beta=true"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":" + (i + 1)
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(paths.usageJsonl())
                    && ProjectionSnapshot.of(paths).usageLines().size() == 20
                    && ProjectionSnapshot.tables(paths.dbPath()).get("samples").size() == 20
                    && Files.exists(paths.metricsJson())
                    && JSON.readTree(Files.readString(paths.metricsJson())).at("/total/count").asInt() == 20);

            List<String> lines = ProjectionSnapshot.of(paths).usageLines();
            long outputTokens = 0;
            for (String line : lines) {
                JsonNode n = JSON.readTree(line);
                String lane = n.get("model").asText().contains("haiku") ? "zai" : "anthropic";
                assertEquals(lane, n.get("lane").asText(), line);
                assertEquals("nonstream", n.get("op").asText());
                assertEquals(200, n.get("status").asInt());
                assertEquals(n.get("input_tokens").asLong(), n.get("output_tokens").asLong() + 10);
                outputTokens += n.get("output_tokens").asLong();
            }
            assertEquals(210, outputTokens, "1 + 2 + … + 20 output tokens");
            assertEquals(10, lines.stream().filter(l -> l.contains("\"lane\":\"zai\"")).count());
            assertTrue(lines.stream().noneMatch(l -> l.matches(".*\"lane\":\"anthropic\".*\"header_mode\":\"x-api-key\".*")));

            JsonNode metrics = JSON.readTree(Files.readString(paths.metricsJson()));
            assertEquals(10, metrics.at("/by_lane/zai/count").asInt());
            assertEquals(10, metrics.at("/by_lane/anthropic/count").asInt());
            assertEquals(210, metrics.at("/total/output_tokens").asInt());
            assertEquals(20, metrics.at("/by_http/h1/count").asInt());
            assertEquals(10, metrics.at("/by_decision/model_route/count").asInt());

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String name : List.of("ccp_store_writes_total", "ccp_store_write_errors_total",
                        "ccp_rollup_duration_seconds", "ccp_store_size_bytes", "ccp_projector_lag_events",
                        "ccp_projector_events_total{projection=\"sqlite\"}")) {
                    assertTrue(text.contains(name), name + " in\n" + text);
                }
                assertTrue(text.contains("ccp_projector_events_total{projection=\"usage-jsonl\"} 81.0"), text);
                // The 10 haiku requests on zai had 100 output and 200 input tokens: 300 at 1 USD per million cost
                // 0.0003, at Anthropic's 4 they list at 0.0012, so 0.0009 saved. The 10 sonnet requests have no price.
                assertEquals(0.0003, metric(text, "ccp_cost_usd_total{lane=\"zai\",model=\"claude-3-5-haiku-20241022\"}"), 1e-12);
                assertEquals(0.0009, metric(text, "ccp_saved_usd_total"), 1e-12);
                assertEquals(10, metric(text, "ccp_unpriced_requests_total"), 1e-12);
            });
        }
    }
}
