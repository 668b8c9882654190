package dev.ccp.proxy.readside;

import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.readmodel.Database;
import dev.ccp.events.Durations;
import dev.ccp.policy.price.LivePrices;
import dev.ccp.readmodel.CostTable;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/usage/cost?by=lane|model|session|project|member&since=DURATION|EPOCH_SECONDS&member=NAME}: what the
 * requests cost, from the read model's {@code cost_hour}, the same document {@code cc usage --cost --json}
 * prints. The plan fees of the period come from the price table (pro-rated by day); bad parameters are
 * answered 400 in Anthropic's error shape.
 */
public final class CostReadService implements HttpService {
    public static final String PATH = "/v1/usage/cost";

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
        String member;
        Instant now = clock.instant();
        try {
            String byName = ReadQuery.optional(q, "by");
            by = CostTable.By.of(byName == null ? "lane" : byName);
            since = since(ReadQuery.optional(q, "since"), now);
            member = ReadQuery.optional(q, "member");
        } catch (ReadQuery.BadParameter e) {
            ReadQuery.badRequest(res, e);
            return;
        } catch (IllegalArgumentException e) {
            ReadQuery.badRequest(res, new ReadQuery.BadParameter(e.getMessage()));
            return;
        }
        prices.poll();
        try {
            Map<String, Object> doc = report(dbPath, by, since, member, prices, now);
            if (member != null) {
                doc.put("member", member);
            }
            ReadQuery.sendJson(res, Status.OK_200, doc);
        } catch (SQLException e) {
            ApiErrors.send(res, 503, ApiErrors.API_ERROR, "cannot read " + dbPath + ": " + e.getMessage());
        }
    }

    /**
     * The report document: the hours from {@code since} (epoch seconds, floored to its hour; null for all),
     * and the plan fees from then (or the first hour with requests) to {@code now}.
     */
    public static Map<String, Object> report(Path db, CostTable.By by, Long since, LivePrices prices, Instant now)
            throws SQLException {
        return report(db, by, since, null, prices, now);
    }

    /** As {@link #report(Path, CostTable.By, Long, LivePrices, Instant)}, of one member's requests when {@code member} is not null. */
    public static Map<String, Object> report(Path db, CostTable.By by, Long since, String member, LivePrices prices, Instant now)
            throws SQLException {
        long sinceHour = since == null ? 0 : Math.floorDiv(since, 3600) * 3600;
        CostTable.Report report;
        if (!Files.exists(db)) {
            report = new CostTable.Report(by, sinceHour, List.of(),
                    new CostTable.Row("total", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE));
        } else {
            try (Connection c = Database.openReadOnly(db)) {
                report = CostTable.report(c, by, sinceHour, member);
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
}
