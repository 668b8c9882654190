package dev.ccp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.ChildJvm;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.ModuleJars;
import dev.ccp.testkit.ProxyProcess;
import dev.ccp.testkit.TestLicenses;
import dev.ccp.testkit.TwoLaneCatalog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Team quotas: two members' proxies take their quota standing from the SQLite a team projector
 * builds from the topic ({@code CCP_QUOTA_DB_PATH}), so a quota of the shared quotas file counts the
 * requests of both and holds across both machines. It also prints how stale the standing was: from a
 * request answered by one member's proxy to that request counted in the standing the other proxy
 * reads (docs/TEAM.md; a measurement, not asserted).
 */
@Tag("kafka")
class TeamQuotaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aQuotaOfTheSharedQuotasFileCountsBothMembersAndBlocksEachOnceTheTeamHasUsedIt() throws Exception {
        // CCP_TEST_TEAM_QUOTA_REQUESTS raises the cap to measure staleness over more requests.
        int cap = Integer.parseInt(System.getenv().getOrDefault("CCP_TEST_TEAM_QUOTA_REQUESTS", "6"));
        int kafkaPort = freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        List<String> brokerCommand = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-jar", ModuleJars.jar("kafka-dev").toString(),
                "--port", Integer.toString(kafkaPort), "--dir", dir.resolve("kafka").toString());
        Path quotas = dir.resolve("quotas.yaml");
        Files.writeString(quotas, """
                quotas:
                  - name: team-zai
                    provider: zai
                    window: 5h
                    rolling:
                      requests: %d
                    fallback: none
                """.formatted(cap));
        Path team = dir.resolve("team");
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true);
             ChildJvm broker = ChildJvm.start(brokerCommand, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> broker.stdout().stream().anyMatch(l -> l.startsWith("ccp-kafka-dev: ready"))
                    || !broker.process().isAlive());
            assertTrue(broker.process().isAlive(), () -> String.join("\n", broker.stdout()));
            Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
            Path ann = dir.resolve("ann");
            Path bob = dir.resolve("bob");
            Path teamDb = CcpPaths.under(team).dbPath();
            try (ChildJvm annShipper = shipper(ann, "ann@one", bootstrap);
                 ChildJvm bobShipper = shipper(bob, "bob@two", bootstrap);
                 ProxyProcess annProxy = ProxyProcess.start(ann, member(ann, "ann@one", catalog, quotas, teamDb));
                 ProxyProcess bobProxy = ProxyProcess.start(bob, member(bob, "bob@two", catalog, quotas, teamDb));
                 ChildJvm teamProjector = ChildJvm.start(ModuleJars.command("projector", "--source",
                         "kafka://" + bootstrap + "/ccp.events", "--metrics-port", "0"), ModuleJars.env(CcpPaths.under(team)))) {
                List<Long> staleMs = new ArrayList<>();
                for (int i = 1; i <= cap; i++) {
                    // Members take turns; each request is counted in the standing the other member's proxy reads.
                    ProxyProcess by = i % 2 == 1 ? annProxy : bobProxy;
                    ProxyProcess other = by == annProxy ? bobProxy : annProxy;
                    assertEquals(200, send(by, "claude-haiku-4-5").statusCode());
                    long answered = System.nanoTime();
                    int expected = i;
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                            .until(() -> used(other) >= expected);
                    staleMs.add((System.nanoTime() - answered) / 1_000_000);
                }
                System.out.println("team quota staleness (request answered on one member's proxy -> counted in the other's standing), ms: "
                        + staleMs + "; sorted " + staleMs.stream().sorted().toList());
                // The team has used the quota: both members are refused, each having used only part of it, once
                // each proxy's own standing has caught up with the last request (a poll of the team database away).
                for (ProxyProcess p : List.of(annProxy, bobProxy)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> used(p) >= cap);
                }
                for (ProxyProcess p : List.of(annProxy, bobProxy)) {
                    HttpResponse<String> refused = send(p, "claude-haiku-4-5");
                    assertEquals(429, refused.statusCode(), refused.body());
                    JsonNode error = JSON.readTree(refused.body());
                    assertEquals("rate_limit_error", error.at("/error/type").asText(), refused.body());
                    assertTrue(error.at("/error/message").asText().contains("team-zai"), refused.body());
                }
                // Sonnet is not under the quota: it still goes to Anthropic.
                assertEquals(200, send(bobProxy, "claude-sonnet-4-5").statusCode());
                assertEquals(cap, zai.seen().size(), "Z.AI served exactly the team's quota");
                assertTrue(teamProjector.process().isAlive(), () -> String.join("\n", teamProjector.stderr()));
            }
        }
    }

    /** The team-zai quota's requests in its rolling window, as this proxy's /v1/quotas reads them. */
    private static long used(ProxyProcess proxy) {
        for (JsonNode s : proxy.getJson("/v1/quotas").path("standings")) {
            if ("team-zai".equals(s.path("name").asText())) {
                return s.at("/rolling/requests").asLong(-1);
            }
        }
        return -1;
    }

    private static Map<String, String> member(Path root, String member, Path catalog, Path quotas, Path teamDb) {
        Map<String, String> env = new HashMap<>(ModuleJars.env(CcpPaths.under(root)));
        env.put("CCP_MEMBER", member);
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        env.put("CCP_QUOTAS_FILE", quotas.toString());
        env.put("CCP_QUOTA_DB_PATH", teamDb.toString());
        env.put("ZAI_API_KEY", "zai-team-key");
        env.putAll(TestLicenses.licensed(root));
        return env;
    }

    private static ChildJvm shipper(Path root, String member, String bootstrap) {
        Map<String, String> env = new HashMap<>(ModuleJars.env(CcpPaths.under(root)));
        env.put("CCP_MEMBER", member);
        return ChildJvm.start(ModuleJars.command("ship", "--bootstrap", bootstrap, "--topic", "ccp.events", "--port", "0"), env);
    }

    private static HttpResponse<String> send(ProxyProcess proxy, String model) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", "sk-ant-team-client")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
