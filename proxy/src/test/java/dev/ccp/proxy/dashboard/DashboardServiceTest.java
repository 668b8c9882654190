package dev.ccp.proxy.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.CostLog;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.testing.EventReader;
import dev.ccp.proxy.testing.OneProviderCatalog;
import dev.ccp.testkit.FakeProvider;
import dev.ccp.testkit.ModuleJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's endpoints over plain HTTP: bad input, an empty database, a projector behind, the loopback rule. */
class DashboardServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private ProxyServer start(FakeProvider anthropic) {
        return start(anthropic, null);
    }

    private ProxyServer start(FakeProvider anthropic, InstantSource clock) {
        Map<String, String> env = new HashMap<>();
        env.put("CCP_HOME", dir.toString());
        env.put("CCP_LOG_DIR", dir.resolve("logs").toString());
        env.put("CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, anthropic.baseUrl()).toString());
        env.put("HOME", dir.toString());
        ProxyConfig config = ProxyConfig.from(new String[] {"--port", "0"}, env);
        return clock == null ? ProxyServer.start(config) : ProxyServer.start(config, clock, c -> c);
    }

    private static HttpResponse<String> get(ProxyServer proxy, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void message(ProxyServer proxy) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/messages"))
                .header("x-api-key", "sk-ant-dashboard-test").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
    }

    /** A raw request, so the Host header is exactly what a browser on another site would send; returns head and body. */
    private static String rawGet(ProxyServer proxy, String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
            byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
            return h + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Until the log holds {@code n} finished requests (the writer thread appends them a moment after the answer). */
    private static void awaitCompleted(CcpPaths paths, int n) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> EventReader.all(paths.queueDir())
                .stream().filter(e -> e instanceof dev.ccp.events.Event.ResponseCompleted).count() >= n);
    }

    private static void assertInvalid(HttpResponse<String> res, String messagePart) throws Exception {
        assertEquals(400, res.statusCode(), res.body());
        JsonNode doc = JSON.readTree(res.body());
        assertEquals("error", doc.get("type").asText());
        assertEquals("invalid_request_error", doc.get("error").get("type").asText());
        assertTrue(doc.get("error").get("message").asText().contains(messagePart), res.body());
    }

    @Test
    void rangesAndFiltersItCannotReadAreAnswered400AsAnthropicShapesErrors() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false); ProxyServer proxy = start(anthropic)) {
            assertInvalid(get(proxy, "/dashboard/api/overview?range=week"), "range must be one of hour, day, 30d");
            assertInvalid(get(proxy, "/dashboard/api/overview?range=hour&range=day"), "range is given 2 times");
            assertInvalid(get(proxy, "/dashboard/api/overview?since=3600"), "unknown parameter 'since'");
            assertInvalid(get(proxy, "/dashboard/api/feed?status=abc"), "status must be an HTTP status");
            assertInvalid(get(proxy, "/dashboard/api/feed?limit=0"), "limit must be a whole number from 1 to 500");
            assertInvalid(get(proxy, "/dashboard/api/feed?colour=red"), "unknown parameter 'colour'");
            assertInvalid(get(proxy, "/dashboard/api/feed/stream?after=yesterday"), "after must be the id of a feed row");
            HttpResponse<String> missing = get(proxy, "/dashboard/api/requests/req_never_seen");
            assertEquals(404, missing.statusCode());
            assertEquals("not_found_error", JSON.readTree(missing.body()).get("error").get("type").asText());
        }
    }

    @Test
    void anEmptyDatabaseSaysSoInsteadOfShowingZerosAsData() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false); ProxyServer proxy = start(anthropic)) {
            for (String range : new String[] {"hour", "day", "30d"}) {
                HttpResponse<String> res = get(proxy, "/dashboard/api/overview?range=" + range);
                assertEquals(200, res.statusCode(), res.body());
                JsonNode o = JSON.readTree(res.body());
                assertTrue(o.get("empty").asBoolean());
                assertFalse(o.get("projector").get("database").asBoolean(), "no projector database yet");
                assertEquals(0, o.get("lanes").size());
                assertFalse(o.get("money").get("available").asBoolean(), "no cost is made up");
            }
            assertEquals(0, JSON.readTree(get(proxy, "/dashboard/api/feed").body()).get("requests").size());
            HttpResponse<String> line = get(proxy, "/dashboard/api/statusline");
            assertEquals("ccp ▸ ready\n", line.body());
        }
    }

    @Test
    void aProjectorBehindTheLogShowsItsLagAndTotalsOnlyUpToWhereItIs() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false); ProxyServer proxy = start(anthropic)) {
            CcpPaths paths = CcpPaths.under(dir);
            message(proxy);
            awaitCompleted(paths, 1);
            ModuleJars.projectOnce(paths);
            assertEquals(1, JSON.readTree(get(proxy, "/dashboard/api/overview").body()).get("totals").get("requests").asLong());
            message(proxy);
            message(proxy);
            awaitCompleted(paths, 3);
            assertTrue(JSON.readTree(get(proxy, "/dashboard/api/overview").body()).get("projector").get("lag_events").asLong() >= 8,
                    "the two requests' events are after the projector's checkpoint");
            JsonNode o = JSON.readTree(get(proxy, "/dashboard/api/overview").body());
            assertEquals(1, o.get("totals").get("requests").asLong(), "only what the projector applied");
            assertTrue(o.get("projector").get("applied_until").isTextual());

            ModuleJars.projectOnce(paths);
            JsonNode caught = JSON.readTree(get(proxy, "/dashboard/api/overview").body());
            assertEquals(0, caught.get("projector").get("lag_events").asLong());
            assertEquals(3, caught.get("totals").get("requests").asLong());
            assertEquals("ccp ▸ anthropic · offload 0% today\n", get(proxy, "/dashboard/api/statusline").body());
        }
    }

    @Test
    void theCostPanelAndTheStatuslineShowTheExactCostSavingsAndAnthropicsWindowOfAPricedLog() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        ModuleJars.projectOnce(paths, "sqlite");
        // Half an hour after the fixture's midnight: every range holds its four requests.
        InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(CostLog.T0_US / 1_000_000 + 1_800));
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false); ProxyServer proxy = start(anthropic, clock)) {
            for (String range : new String[] {"hour", "day", "30d"}) {
                JsonNode money = JSON.readTree(get(proxy, "/dashboard/api/overview?range=" + range).body()).get("money");
                assertTrue(money.get("available").asBoolean(), range + ": " + money);
                assertEquals("1.135", money.get("cost_usd").decimalValue().toPlainString(), range);
                assertEquals("1.203", money.get("list_cost_usd").decimalValue().toPlainString(), range);
                assertEquals("0.068", money.get("saved_usd").decimalValue().toPlainString(), range);
                assertEquals(1, money.get("unpriced_requests").asLong(), range);
                assertEquals(4, money.get("requests").asLong(), range);
                JsonNode window = money.get("windows").get(0);
                assertEquals(1, money.get("windows").size());
                assertEquals("anthropic", window.get("provider").asText());
                assertEquals(CostLog.CREDENTIAL, window.get("credential").asText());
                assertEquals(0.93, window.get("five_hour").get("utilization").asDouble(), "the latest answer's 5-hour use");
                assertEquals("2026-01-01T05:00:00Z", window.get("five_hour").get("reset").asText());
                assertFalse(window.get("five_hour").get("stale").asBoolean());
                assertEquals(0.25, window.get("seven_day").get("utilization").asDouble());
            }
            assertEquals("ccp ▸ anthropic · offload 25% today · 5h 93% · saved $0.07\n",
                    get(proxy, "/dashboard/api/statusline").body());
        }
    }

    @Test
    void onlyALoopbackHostIsAnswered() throws Exception {
        try (FakeProvider anthropic = new FakeProvider("anthropic", "", false); ProxyServer proxy = start(anthropic)) {
            String page = rawGet(proxy, "/dashboard", "127.0.0.1:" + proxy.port());
            assertTrue(page.startsWith("HTTP/1.1 200"), page);
            assertTrue(page.contains("<title>ccp dashboard</title>"));
            assertTrue(rawGet(proxy, "/dashboard/assets/chart.umd.min.js", "localhost:" + proxy.port()).startsWith("HTTP/1.1 200"));
            assertTrue(rawGet(proxy, "/dashboard/api/overview", "[::1]:" + proxy.port()).startsWith("HTTP/1.1 200"));

            for (String path : new String[] {"/dashboard", "/dashboard/api/overview", "/dashboard/api/statusline"}) {
                for (String host : new String[] {"evil.example:" + proxy.port(), "127.0.0.1.evil.example", "192.168.1.5:8082"}) {
                    String answer = rawGet(proxy, path, host);
                    assertTrue(answer.startsWith("HTTP/1.1 403"), path + " with Host " + host + ": " + answer);
                    assertTrue(answer.contains("\"type\":\"permission_error\""), answer);
                }
            }
        }
    }
}
