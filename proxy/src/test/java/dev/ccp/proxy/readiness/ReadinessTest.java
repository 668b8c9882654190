package dev.ccp.proxy.readiness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.TestLicenses;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /readyz against providers that answer 200, answer 405, and are down. */
class ReadinessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(ProxyServer proxy, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyzReportsEachProviderTheLogTheProjectorTheLicenseAndTheSwitch() throws Exception {
        AtomicInteger probesAt405 = new AtomicInteger();
        WebServer answers405 = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.any((req, res) -> {
                    probesAt405.incrementAndGet();
                    res.status(405).send();
                })).build().start();
        int down = closedPort();
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false)) {
            Path catalog = dir.resolve("providers.yaml");
            String providers = """
                    providers:
                      anthropic: { base_url: %s, auth: passthrough }
                      zai: { base_url: "http://127.0.0.1:%d/api/anthropic", auth_env: ZAI_API_KEY }
                      deadend: { base_url: "http://127.0.0.1:%d/x", auth_env: DEADEND_KEY }
                    routes: [ { match: haiku, provider: zai }, { match: dead, provider: deadend } ]
                    """.formatted(anthropic.baseUrl(), answers405.port(), down);
            Files.writeString(catalog, providers + "default_provider: anthropic\n");
            Map<String, String> env = new HashMap<>(TestLicenses.licensed(dir));
            env.put("ZAI_API_KEY", "zai-key-ready");
            env.put("DEADEND_KEY", "dead-key");
            env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
            env.put("CCP_PROVIDERS_FILE", catalog.toString());
            env.put("CCP_RELOAD_INTERVAL", "50ms");
            env.put("CCP_PROBE_TTL", "1h");
            try (ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, env))) {
                HttpResponse<String> res = get(proxy, "/readyz");
                assertEquals(200, res.statusCode(), res.body());
                JsonNode doc = JSON.readTree(res.body());
                assertEquals("ready", doc.get("status").asText());
                assertEquals(0, doc.get("reasons").size());

                JsonNode a = doc.get("providers").get("anthropic");
                assertTrue(a.get("reachable").asBoolean());
                assertEquals("ok", a.get("reason").asText());
                assertTrue(a.get("default").asBoolean());
                assertEquals("passthrough", a.get("credential").get("mode").asText());

                JsonNode z = doc.get("providers").get("zai");
                assertTrue(z.get("reachable").asBoolean(), "405 counts as reachable");
                assertEquals(405, z.get("status").asInt());
                assertEquals("method_not_allowed", z.get("reason").asText());
                assertEquals("ZAI_API_KEY", z.get("credential").get("variable").asText());
                assertTrue(z.get("credential").get("set").asBoolean());

                JsonNode d = doc.get("providers").get("deadend");
                assertFalse(d.get("reachable").asBoolean());
                assertEquals("connect_error", d.get("reason").asText());
                assertTrue(d.get("last_error").isNull());

                assertTrue(doc.get("event_log").get("writable").asBoolean());
                assertTrue(doc.get("projector").get("lag").isNull(), "no projector database yet");
                assertTrue(doc.get("license").get("ok").asBoolean());
                assertEquals("pro", doc.get("license").get("plan").asText());
                assertEquals("zai_offload", doc.get("license").get("features").get(0).asText());
                assertFalse(doc.get("paused").asBoolean());
                assertFalse(res.body().contains("zai-key-ready") || res.body().contains("dead-key"), "no key value");

                // The probe is cached: a second look does not probe again.
                int probes = probesAt405.get();
                assertEquals(200, get(proxy, "/readyz").statusCode());
                assertEquals(probes, probesAt405.get());

                // The last upstream error of a provider shows up.
                HttpResponse<String> failed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                                + "/v1/messages")).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"dead-model\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(502, failed.statusCode(), failed.body());
                JsonNode last = JSON.readTree(get(proxy, "/readyz").body()).get("providers").get("deadend").get("last_error");
                assertEquals("connect_error", last.get("type").asText());
                assertEquals(0, last.get("status").asInt());

                // Projector lag from the checkpoints table: a checkpoint before the first event lags by every event.
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("logs/ccp.sqlite3"));
                     Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE checkpoints (name TEXT PRIMARY KEY, idx INTEGER NOT NULL, events INTEGER NOT NULL)");
                    s.execute("INSERT INTO checkpoints VALUES ('sqlite', -1, 0)");
                }
                JsonNode projector = await().atMost(Duration.ofSeconds(10)).until(
                        () -> JSON.readTree(get(proxy, "/readyz").body()).get("projector"),
                        p -> p.get("lag").asLong() == EventReader.all(dir.resolve("logs/queue")).size());
                assertEquals(projector.get("lag").asLong(), projector.get("projections").get("sqlite").asLong());

                // The default provider down: 503 with the reason.
                Files.writeString(catalog, providers + "default_provider: deadend\n");
                HttpResponse<String> notReady = await().atMost(Duration.ofSeconds(10))
                        .until(() -> get(proxy, "/readyz"), r -> r.statusCode() == 503);
                JsonNode nr = JSON.readTree(notReady.body());
                assertEquals("not_ready", nr.get("status").asText());
                assertEquals(List.of("default provider deadend is not reachable (connect_error)"),
                        List.of(nr.get("reasons").get(0).asText()));
            }
        } finally {
            answers405.stop();
        }
    }

    @Test
    void theAdminEndpointRefusesACallerThatIsNotLoopback() throws Exception {
        Optional<InetAddress> lan = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(x -> x instanceof Inet4Address && !x.isLoopbackAddress() && !x.isLinkLocalAddress()).findFirst();
        Assumptions.assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address");
        Path catalog = dir.resolve("p.yaml");
        Files.writeString(catalog, "providers:\n  anthropic: { base_url: \"http://127.0.0.1:" + closedPort() + "\" }\nroutes: []\n");
        Map<String, String> env = new HashMap<>(TestLicenses.unlicensed(dir));
        env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", catalog.toString());
        try (ProxyServer proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0", "--host", "0.0.0.0"}, env))) {
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + lan.get().getHostAddress() + ":"
                    + proxy.port() + "/admin/pause")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, res.statusCode(), res.body());
            assertEquals("permission_error", JSON.readTree(res.body()).get("error").get("type").asText());
            assertFalse(proxy.control().paused());
            HttpResponse<String> local = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                    + "/admin/pause")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, local.statusCode());
            assertTrue(proxy.control().paused());
        }
    }
}
