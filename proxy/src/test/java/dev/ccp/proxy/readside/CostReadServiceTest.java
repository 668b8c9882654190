package dev.ccp.proxy.readside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.testing.CostLog;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.ratelimit.ProjectOnceForTests;
import dev.ccp.proxy.testing.OneProviderCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** GET /v1/usage/cost on the running proxy over the projection of a log with known costs. */
class CostReadServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ProxyServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
    }

    private HttpResponse<String> get(String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.port() + "/v1/usage/cost" + query)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cost_by_session_is_exact_and_a_bad_group_is_a_400_in_anthropics_shape() throws Exception {
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(dir.resolve("logs").resolve("queue"));
        ProjectOnceForTests.sqlite(dir);
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_HOME", dir.toString(),
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, "http://127.0.0.1:9").toString(),
                "HOME", dir.toString())));

        HttpResponse<String> r = get("?by=session");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode doc = JSON.readTree(r.body());
        assertEquals("session", doc.get("by").asText());
        assertEquals("s1", doc.at("/rows/0/session").asText());
        assertEquals("1.053", doc.at("/rows/0/cost_usd").decimalValue().toPlainString());
        assertEquals("s2", doc.at("/rows/1/session").asText());
        assertEquals("0.082", doc.at("/rows/1/cost_usd").decimalValue().toPlainString());
        assertEquals("0.15", doc.at("/rows/1/list_cost_usd").decimalValue().toPlainString());
        assertEquals("0.068", doc.at("/rows/1/saved_usd").decimalValue().toPlainString());
        assertEquals("1.135", doc.at("/total/cost_usd").decimalValue().toPlainString());
        assertEquals(1, doc.get("unpriced_requests").asInt());

        HttpResponse<String> bad = get("?by=colour");
        assertEquals(400, bad.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                + "\"by must be one of lane, model, session, project, member (not colour)\"}}", bad.body());
    }
}
