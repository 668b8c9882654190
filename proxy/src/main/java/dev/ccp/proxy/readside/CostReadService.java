package dev.ccp.proxy.readside;

import dev.ccp.events.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.Durations;
import dev.ccp.policy.price.LivePrices;
import dev.ccp.readmodel.CostTable;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/usage/cost?by=lane|model|session|project|member&since=DURATION|EPOCH_SECONDS}: what the
 * requests cost, from the read model's {@code cost_hour}, the same document {@code cc usage --cost --json}
 * prints. The plan fees of the period come from the price table (pro-rated by day); bad parameters are
 * answered 400 in Anthropic's error shape.
 */
public final class CostReadService implements HttpService {
    public static final String PATH = "/v1/usage/cost";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final Path dbPath;
    private final LivePrices prices;
    private final InstantSource clock;

    public CostReadService(Path dbPath, LivePrices prices, InstantSource clock) {
        this.dbPath = dbPath;
        this.prices = prices;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(this::cost);
    }

    private void cost(ServerRequest req, ServerResponse res) {
        UriQuery q = req.query();
        CostTable.By by;
        Long since;
        Instant now = clock.instant();
        try {
            by = CostTable.By.of(one(q, "by", "lane"));
            since = since(one(q, "since", null), now);
        } catch (IllegalArgumentException e) {
            send(res, Status.BAD_REQUEST_400, error("invalid_request_error", e.getMessage()));
            return;
        }
        prices.poll();
        try {
            send(res, Status.OK_200, report(dbPath, by, since, prices, now));
        } catch (SQLException e) {
            send(res, Status.SERVICE_UNAVAILABLE_503, error("api_error", "cannot read " + dbPath + ": " + e.getMessage()));
        }
    }

    /**
     * The report document: the hours from {@code since} (epoch seconds, floored to its hour; null for all),
     * and the plan fees from then (or the first hour with requests) to {@code now}.
     */
    public static Map<String, Object> report(Path db, CostTable.By by, Long since, LivePrices prices, Instant now)
            throws SQLException {
        long sinceHour = since == null ? 0 : Math.floorDiv(since, 3600) * 3600;
        CostTable.Report report;
        if (!Files.exists(db)) {
            report = new CostTable.Report(by, sinceHour, List.of(),
                    new CostTable.Row("total", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE));
        } else {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            config.setBusyTimeout(5_000);
            config.setOpenMode(SQLiteOpenMode.READONLY);
            try (Connection c = config.createConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
                report = CostTable.report(c, by, sinceHour);
            }
        }
        long from = since != null ? sinceHour : report.total().firstHour();
        long fees = report.rows().isEmpty() && since == null ? 0
                : prices.table().planFees(null, Instant.ofEpochSecond(from), now);
        return report.asMap(fees, since == null ? null : Instant.ofEpochSecond(sinceHour).toString());
    }

    /** {@code 7d}, {@code 24h}, … before now, or epoch seconds. */
    static Long since(String text, Instant now) {
        if (text == null) {
            return null;
        }
        if (text.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(text);
        }
        try {
            return now.minus(Durations.parse(text)).getEpochSecond();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("since must be a duration such as 7d or 24h, or epoch seconds (not " + text + ")");
        }
    }

    private static String one(UriQuery q, String name, String fallback) {
        if (!q.contains(name)) {
            return fallback;
        }
        List<String> all = q.all(name);
        if (all.size() > 1) {
            throw new IllegalArgumentException(name + " is given " + all.size() + " times; give it once");
        }
        String v = all.getFirst().trim();
        return v.isEmpty() ? fallback : v;
    }

    private static Map<String, Object> error(String type, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "error");
        body.put("error", error);
        return body;
    }

    private static void send(ServerResponse res, Status status, Object body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
