package dev.ccp.proxy.readside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
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
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read endpoints on a real Helidon server over a real SQLite file laid out as the projector writes it. */
class UsageReadServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-01-01T00:00:00Z */
    private static final long T = 1_767_225_600L;

    @TempDir
    Path dir;
    private WebServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Path database() throws Exception {
        Path db = dir.resolve("ccp.sqlite3");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            // The columns the projector writes (docs/PROJECTIONS.md).
            s.execute("CREATE TABLE samples (idx INTEGER NOT NULL, seq INTEGER NOT NULL, ts_us INTEGER NOT NULL, req_id TEXT, model TEXT,"
                    + " upstream_model TEXT, lane TEXT, provider TEXT, decision TEXT, op TEXT, status INTEGER NOT NULL,"
                    + " header_mode TEXT, http TEXT, latency_ms REAL NOT NULL, ttfb_ms REAL, input_tokens INTEGER NOT NULL,"
                    + " output_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,"
                    + " cache_read_input_tokens INTEGER NOT NULL, stop_reason TEXT, outcome TEXT, attempts INTEGER NOT NULL,"
                    + " instance TEXT, PRIMARY KEY (idx, seq)) WITHOUT ROWID");
            for (String t : new String[] {"rollup_hour", "rollup_day"}) {
                s.execute("CREATE TABLE " + t + " (bucket_start INTEGER NOT NULL, model TEXT NOT NULL, lane TEXT NOT NULL,"
                        + " count INTEGER NOT NULL, errors INTEGER NOT NULL, input_tokens INTEGER NOT NULL,"
                        + " output_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,"
                        + " cache_read_input_tokens INTEGER NOT NULL, latency_p50_ms REAL, latency_p95_ms REAL,"
                        + " latency_sketch BLOB NOT NULL, PRIMARY KEY (bucket_start, model, lane)) WITHOUT ROWID");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                sample(ps, 1, T + 10, "req_a", "claude-3-5-haiku-20241022", "zai");
                sample(ps, 2, T + 3_700, "req_b", "claude-sonnet-4-5", "anthropic");
                sample(ps, 3, T + 7_300, "req_c", "claude-3-5-haiku-20241022", "zai");
            }
            s.execute("INSERT INTO rollup_hour VALUES (" + T + ", 'claude-3-5-haiku-20241022', 'zai', 1, 0, 10, 20, 0, 0, 120.5, 120.5, x'00')");
            s.execute("INSERT INTO rollup_hour VALUES (" + (T + 3_600) + ", 'claude-sonnet-4-5', 'anthropic', 1, 0, 10, 20, 0, 0, 80, 80, x'00')");
            s.execute("INSERT INTO rollup_hour VALUES (" + (T + 7_200) + ", 'claude-3-5-haiku-20241022', 'zai', 1, 1, 10, 20, 0, 0, 99, 99, x'00')");
            s.execute("INSERT INTO rollup_day VALUES (" + T + ", 'claude-3-5-haiku-20241022', 'zai', 2, 1, 20, 40, 0, 0, 99, 120.5, x'00')");
        }
        return db;
    }

    private static void sample(PreparedStatement ps, long idx, long tsS, String req, String model, String lane) throws Exception {
        Object[] v = {idx, 0, tsS * 1_000_000L, req, model, "glm-4.5-air", lane, lane, "model_route", "stream", 200,
                "x-api-key", "h2", 120.5, null, 10, 20, 0, 5, "end_turn", "ok", 1, "px_1"};
        for (int i = 0; i < v.length; i++) {
            ps.setObject(i + 1, v[i]);
        }
        ps.executeUpdate();
    }

    private void start(Path db) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.register(UsageReadService.PATH, new UsageReadService(db)))
                .build().start();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void samplesSinceAnEpochAreListedOldestFirstAndFilteredByModel() throws Exception {
        start(database());
        JsonNode all = JSON.readTree(get("/v1/usage/samples?since=" + (T + 60)).body());
        assertEquals(2, all.get("count").asInt());
        assertEquals("req_b", all.at("/samples/0/req_id").asText());
        assertEquals("2026-01-01T01:01:40Z", all.at("/samples/0/ts").asText());
        assertEquals("anthropic", all.at("/samples/0/lane").asText());
        assertEquals(120.5, all.at("/samples/0/latency_ms").asDouble());
        assertTrue(all.at("/samples/0/ttfb_ms").isNull());
        assertEquals(20, all.at("/samples/0/output_tokens").asInt());

        JsonNode haiku = JSON.readTree(get("/v1/usage/samples?since=0&model=claude-3-5-haiku-20241022").body());
        assertEquals(2, haiku.get("count").asInt());
        assertEquals("req_a", haiku.at("/samples/0/req_id").asText());
        assertEquals("req_c", haiku.at("/samples/1/req_id").asText());

        JsonNode limited = JSON.readTree(get("/v1/usage/samples?since=0&limit=1").body());
        assertEquals(1, limited.get("count").asInt());
        assertTrue(limited.get("truncated").asBoolean());
    }

    @Test
    void rollupsByHourAndDayAreFilteredByModelAndSince() throws Exception {
        start(database());
        HttpResponse<String> r = get("/v1/usage/rollups?granularity=hour&model=claude-3-5-haiku-20241022");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode hour = JSON.readTree(r.body());
        assertEquals(2, hour.get("count").asInt());
        assertEquals("2026-01-01T00:00:00Z", hour.at("/rollups/0/bucket").asText());
        assertEquals(120.5, hour.at("/rollups/0/latency_p50_ms").asDouble());
        assertEquals(1, hour.at("/rollups/1/errors").asInt());

        JsonNode sinceSecondHour = JSON.readTree(get("/v1/usage/rollups?granularity=hour&since=" + (T + 3_700)).body());
        assertEquals(2, sinceSecondHour.get("count").asInt(), "the bucket holding 'since' and the ones after");
        assertEquals("claude-sonnet-4-5", sinceSecondHour.at("/rollups/0/model").asText());

        JsonNode day = JSON.readTree(get("/v1/usage/rollups?granularity=day").body());
        assertEquals(1, day.get("count").asInt());
        assertEquals(2, day.at("/rollups/0/count").asInt());
        assertFalse(day.at("/rollups/0").has("latency_sketch"));
    }

    @Test
    void badParametersAreAnswered400AsAnthropicErrors() throws Exception {
        start(database());
        for (String q : new String[] {"/v1/usage/samples", "/v1/usage/samples?since=yesterday", "/v1/usage/samples?since=-5",
                "/v1/usage/samples?since=1&limit=0", "/v1/usage/samples?since=1&since=2",
                "/v1/usage/rollups", "/v1/usage/rollups?granularity=week", "/v1/usage/rollups?granularity=hour&since=x"}) {
            HttpResponse<String> r = get(q);
            assertEquals(400, r.statusCode(), q);
            JsonNode body = JSON.readTree(r.body());
            assertEquals("error", body.get("type").asText(), q);
            assertEquals("invalid_request_error", body.at("/error/type").asText(), q);
            assertFalse(body.at("/error/message").asText().isBlank(), q);
        }
        assertTrue(JSON.readTree(get("/v1/usage/rollups?granularity=week").body()).at("/error/message").asText()
                .contains("granularity must be hour or day"));
    }

    @Test
    void beforeTheProjectorHasWrittenAnythingTheAnswersAreEmpty() throws Exception {
        Path missing = dir.resolve("not-yet.sqlite3");
        start(missing);
        assertEquals(0, JSON.readTree(get("/v1/usage/samples?since=0").body()).get("count").asInt());
        assertEquals(0, JSON.readTree(get("/v1/usage/rollups?granularity=day").body()).get("count").asInt());
        assertFalse(Files.exists(missing), "the read side never creates the database");
    }

    @Test
    void readingDoesNotWaitForAWriterHoldingATransactionOpen() throws Exception {
        Path db = database();
        start(db);
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            writer.setAutoCommit(false);
            try (Statement s = writer.createStatement()) {
                s.executeUpdate("DELETE FROM samples");
                HttpResponse<String> r = get("/v1/usage/samples?since=0");
                assertEquals(200, r.statusCode());
                assertEquals(3, JSON.readTree(r.body()).get("count").asInt(), "the committed rows, read beside the writer");
            }
            writer.rollback();
        }
    }
}
