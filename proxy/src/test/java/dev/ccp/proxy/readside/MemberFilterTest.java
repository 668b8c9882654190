package dev.ccp.proxy.readside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.testing.CostLog;
import dev.ccp.events.testing.TwoMembersLog;
import dev.ccp.proxy.ProxyConfig;
import dev.ccp.proxy.ProxyServer;
import dev.ccp.proxy.ratelimit.ProjectOnceForTests;
import dev.ccp.proxy.testing.OneProviderCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code ?member=} on the proxy's /v1/usage endpoints, over the projection of a two-member log. */
class MemberFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ProxyServer proxy;

    @BeforeEach
    void start() {
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        TwoMembersLog.write(dir.resolve("logs").resolve("queue"));
        ProjectOnceForTests.sqlite(dir);
        proxy = ProxyServer.start(ProxyConfig.from(new String[]{"--port", "0"}, Map.of(
                "CCP_HOME", dir.toString(),
                "CCP_LOG_DIR", dir.resolve("logs").toString(),
                "CCP_PROVIDERS_FILE", OneProviderCatalog.write(dir, "http://127.0.0.1:9").toString(),
                "HOME", dir.toString())));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop("test");
        }
    }

    private JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.port() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void samples_of_one_member_are_that_members_requests_alone() throws Exception {
        assertEquals(5, get("/v1/usage/samples?since=0").get("count").asInt());
        JsonNode bob = get("/v1/usage/samples?since=0&member=" + TwoMembersLog.BOB);
        assertEquals(1, bob.get("count").asInt());
        assertEquals("req_bob_1", bob.at("/samples/0/req_id").asText());
        assertEquals(TwoMembersLog.BOB, bob.get("member").asText());
        assertEquals(4, get("/v1/usage/samples?since=0&member=" + TwoMembersLog.ANN).get("count").asInt());
        assertEquals(0, get("/v1/usage/samples?since=0&member=nobody").get("count").asInt());
    }

    @Test
    void rollups_of_one_member_are_folded_from_that_members_samples() throws Exception {
        JsonNode all = get("/v1/usage/rollups?granularity=hour");
        long allCount = 0;
        for (JsonNode r : all.get("rollups")) {
            allCount += r.get("count").asLong();
        }
        assertEquals(5, allCount);
        JsonNode ann = get("/v1/usage/rollups?granularity=day&member=" + TwoMembersLog.ANN);
        long annCount = 0;
        long annIn = 0;
        for (JsonNode r : ann.get("rollups")) {
            annCount += r.get("count").asLong();
            annIn += r.get("input_tokens").asLong();
        }
        assertEquals(4, annCount);
        assertEquals(1_000 + 150_000 + 100_000 + 10, annIn);
        JsonNode bob = get("/v1/usage/rollups?granularity=hour&member=" + TwoMembersLog.BOB);
        assertEquals(1, bob.get("count").asInt());
        assertEquals("zai", bob.at("/rollups/0/lane").asText());
        assertEquals("2026-01-01T00:00:00Z", bob.at("/rollups/0/bucket").asText());
        assertEquals(300.0, bob.at("/rollups/0/latency_p50_ms").asDouble(), 1.0);
    }

    @Test
    void cost_of_one_member_counts_that_members_requests_alone() throws Exception {
        JsonNode byMember = get("/v1/usage/cost?by=member");
        assertEquals(5, byMember.at("/total/requests").asInt());
        JsonNode ann = get("/v1/usage/cost?by=lane&member=" + TwoMembersLog.ANN);
        assertEquals(4, ann.at("/total/requests").asInt());
        // ann's requests are CostLog's four, priced as its comment works out (0.0945 + 0.9585 + 0.082, and one unpriced).
        assertEquals("1.135", ann.at("/total/cost_usd").decimalValue().toPlainString());
        JsonNode bob = get("/v1/usage/cost?by=lane&member=" + TwoMembersLog.BOB);
        assertEquals(1, bob.at("/total/requests").asInt());
        assertEquals("zai", bob.at("/rows/0/lane").asText());
    }
}
