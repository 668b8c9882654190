package dev.ccp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
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
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Team mode as an operator tries it on one machine: the development broker, two members' proxies and
 * shippers (each with its own log folder and member name), traffic through both, then
 * {@code ccp-projector --source kafka://…/ccp.events --once} into a third folder, and the reports over
 * it. Every part is its own process, started from the packaged jars as {@code bin/} starts them.
 */
@Tag("kafka")
class TeamModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void twoMembersProxiesAndShippersMakeATeamUsageThatIsTheUnionOfTheirsAndCcUsageShowsBothMembers() throws Exception {
        Path brokerDir = dir.resolve("kafka");
        int kafkaPort = freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        List<String> brokerCommand = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-jar", ModuleJars.jar("kafka-dev").toString(),
                "--port", Integer.toString(kafkaPort), "--dir", brokerDir.toString());
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false);
             FakeProvider zai = new FakeProvider("zai", "/api/anthropic", true);
             ChildJvm broker = ChildJvm.start(brokerCommand, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> broker.stdout().stream().anyMatch(l -> l.startsWith("ccp-kafka-dev: ready"))
                    || !broker.process().isAlive());
            assertTrue(broker.process().isAlive(), () -> String.join("\n", broker.stdout()));

            Path catalog = TwoLaneCatalog.write(dir, anthropic, zai);
            Path ann = dir.resolve("ann");
            Path bob = dir.resolve("bob");
            try (ProxyProcess annProxy = ProxyProcess.start(ann, member(ann, "ann@one", catalog));
                 ProxyProcess bobProxy = ProxyProcess.start(bob, member(bob, "bob@two", catalog));
                 ChildJvm annShipper = shipper(ann, "ann@one", bootstrap);
                 ChildJvm bobShipper = shipper(bob, "bob@two", bootstrap)) {
                for (int i = 0; i < 6; i++) {
                    send(annProxy, i % 2 == 0 ? "claude-haiku-4-5" : "claude-sonnet-4-5");
                }
                for (int i = 0; i < 4; i++) {
                    send(bobProxy, i % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5");
                }
                Path team = dir.resolve("team");
                // The shippers ship as they find events: the team projection catches up within seconds.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    projectTeamOnce(team, bootstrap);
                    return lines(team.resolve("logs/usage.jsonl")).size() >= 10;
                });
                ModuleJars.projectOnce(CcpPaths.under(ann));
                ModuleJars.projectOnce(CcpPaths.under(bob));
                List<String> annLines = lines(ann.resolve("logs/usage.jsonl"));
                List<String> bobLines = lines(bob.resolve("logs/usage.jsonl"));
                List<String> teamLines = lines(team.resolve("logs/usage.jsonl"));
                assertEquals(6, annLines.size());
                assertEquals(4, bobLines.size());
                List<String> union = new ArrayList<>(annLines);
                union.addAll(bobLines);
                assertEquals(10, teamLines.size(), "no request twice");
                assertEquals(new HashSet<>(union), new HashSet<>(teamLines), "the team's lines are exactly the members' lines");
                assertTrue(annLines.stream().allMatch(l -> l.contains("\"member\":\"ann@one\"")), annLines.toString());
                assertTrue(bobLines.stream().allMatch(l -> l.contains("\"member\":\"bob@two\"")), bobLines.toString());

                CcRunner cc = new CcRunner(team, InstantSource.fixed(Instant.now()));
                CcRunner.Result usage = cc.run("usage", "--by", "member");
                assertEquals(0, usage.exit(), usage.toString());
                assertEquals(List.of("ann@one anthropic 3", "ann@one zai 3", "bob@two anthropic 2", "bob@two zai 2"),
                        usage.out().lines().filter(l -> l.contains("@"))
                                .map(l -> String.join(" ", List.of(l.trim().split(" +")).subList(0, 3))).toList(),
                        usage.out());
                CcRunner.Result audit = cc.run("verify-routing");
                assertEquals(0, audit.exit(), audit.toString());
                assertTrue(audit.out().contains("member ann@one: 6 line(s)") && audit.out().contains("member bob@two: 4 line(s)"),
                        audit.out());
            }
        }
    }

    private static Map<String, String> member(Path root, String member, Path catalog) {
        Map<String, String> env = new HashMap<>(ModuleJars.env(CcpPaths.under(root)));
        env.put("CCP_MEMBER", member);
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        env.put("ZAI_API_KEY", "zai-team-key");
        env.putAll(TestLicenses.licensed(root));
        return env;
    }

    private static ChildJvm shipper(Path root, String member, String bootstrap) {
        Map<String, String> env = new HashMap<>(ModuleJars.env(CcpPaths.under(root)));
        env.put("CCP_MEMBER", member);
        return ChildJvm.start(ModuleJars.command("ship", "--bootstrap", bootstrap, "--topic", "ccp.events", "--port", "0"), env);
    }

    private static void projectTeamOnce(Path team, String bootstrap) throws InterruptedException {
        try (ChildJvm once = ChildJvm.start(ModuleJars.command("projector", "--source", "kafka://" + bootstrap + "/ccp.events",
                "--once", "--metrics-port", "0"), ModuleJars.env(CcpPaths.under(team)))) {
            assertTrue(once.process().waitFor(120, TimeUnit.SECONDS), "ccp-projector --once finished");
            // Before the first shipper has created the topic, --once says so (there is no topic …) and exits 2; after, 0.
            int exit = once.process().exitValue();
            assertTrue(exit == 0 || exit == 2 && once.stderr().stream().anyMatch(l -> l.contains("there is no topic ccp.events")),
                    () -> "exit " + exit + ": " + String.join("\n", once.stderr()));
        }
    }

    private static void send(ProxyProcess proxy, String model) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", "sk-ant-team-client")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("message", body.get("type").asText(), r.body());
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
