package dev.ccp.proxy.readside;

import dev.ccp.proxy.http.ApiErrors;
import dev.ccp.proxy.readside.ReadQuery.BadParameter;
import dev.ccp.readmodel.Database;
import dev.ccp.readmodel.MemberRollups;
import dev.ccp.readmodel.Reads;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.ccp.proxy.readside.ReadQuery.badRequest;
import static dev.ccp.proxy.readside.ReadQuery.limit;
import static dev.ccp.proxy.readside.ReadQuery.optional;
import static dev.ccp.proxy.readside.ReadQuery.sendJson;

/**
 * The guide's read endpoints over the projector's SQLite projection, opened read-only (WAL mode, so
 * reading never blocks the projector):
 * <ul>
 *   <li>{@code GET /v1/usage/samples?since=<epoch seconds>&model=<opt>&member=<opt>&limit=<opt>}</li>
 *   <li>{@code GET /v1/usage/rollups?granularity=hour|day&model=<opt>&member=<opt>&since=<opt epoch seconds>}</li>
 * </ul>
 * {@code member} keeps one team member's requests; a member's rollups are folded from the samples
 * ({@link MemberRollups}), since the rollup tables sum every member.
 * Bad parameters are answered 400 as Anthropic shapes errors. The shapes are in docs/PROJECTIONS.md.
 */
public final class UsageReadService implements HttpService {
    /** Where the proxy mounts it: {@code /v1/usage/samples} and {@code /v1/usage/rollups}. */
    public static final String PATH = "/v1/usage";
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;
    private static final System.Logger LOG = System.getLogger(UsageReadService.class.getName());
    private final Path dbPath;

    /** @param dbPath the projection database ({@code CCP_DB_PATH}, default {@code logs/ccp.sqlite3}) */
    public UsageReadService(Path dbPath) {
        this.dbPath = dbPath;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/samples", this::samples)
                .get("/rollups", this::rollups);
    }

    private void samples(ServerRequest req, ServerResponse res) {
        UriQuery q = req.query();
        Long since;
        int limit;
        String model;
        String member;
        try {
            since = epochSeconds(q, "since", true);
            limit = limit(q, DEFAULT_LIMIT, MAX_LIMIT);
            model = optional(q, "model");
            member = optional(q, "member");
        } catch (BadParameter e) {
            badRequest(res, e);
            return;
        }
        List<Object> params = new ArrayList<>();
        params.add(since * 1_000_000L);
        if (model != null) {
            params.add(model);
        }
        if (member != null) {
            params.add(member);
        }
        params.add(limit + 1);
        List<Map<String, Object>> rows = query(res, c -> rows(Reads.samplesSince(c, model != null, member != null), params));
        if (rows == null) {
            return;
        }
        boolean truncated = rows.size() > limit;
        if (truncated) {
            rows = rows.subList(0, limit);
        }
        for (Map<String, Object> row : rows) {
            Object tsUs = row.get("ts_us");
            Map<String, Object> withTs = new LinkedHashMap<>();
            withTs.put("ts", Instant.ofEpochSecond(0, ((Number) tsUs).longValue() * 1_000L).toString());
            withTs.putAll(row);
            row.clear();
            row.putAll(withTs);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", since);
        body.put("model", model);
        if (member != null) {
            body.put("member", member);
        }
        body.put("count", rows.size());
        body.put("truncated", truncated);
        body.put("samples", rows);
        sendJson(res, Status.OK_200, body);
    }

    private void rollups(ServerRequest req, ServerResponse res) {
        UriQuery q = req.query();
        String granularity;
        Long since;
        String model;
        String member;
        try {
            granularity = optional(q, "granularity");
            if (granularity == null || !(granularity.equals("hour") || granularity.equals("day"))) {
                throw new BadParameter("granularity must be hour or day");
            }
            since = epochSeconds(q, "since", false);
            model = optional(q, "model");
            member = optional(q, "member");
        } catch (BadParameter e) {
            badRequest(res, e);
            return;
        }
        long size = granularity.equals("hour") ? 3_600 : 86_400;
        String g = granularity;
        long from = since == null ? Long.MIN_VALUE : since - size;
        List<Map<String, Object>> rows;
        if (member != null) {
            rows = query(res, c -> MemberRollups.after(c, g, from, model, member, MAX_LIMIT));
        } else {
            List<Object> params = new ArrayList<>();
            params.add(from);
            if (model != null) {
                params.add(model);
            }
            params.add(MAX_LIMIT);
            rows = query(res, c -> rows(Reads.rollupsAfter(c, g, model != null), params));
        }
        if (rows == null) {
            return;
        }
        for (Map<String, Object> row : rows) {
            long start = ((Number) row.get("bucket_start")).longValue();
            Map<String, Object> withBucket = new LinkedHashMap<>();
            withBucket.put("bucket", Instant.ofEpochSecond(start).toString());
            withBucket.putAll(row);
            row.clear();
            row.putAll(withBucket);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("granularity", granularity);
        body.put("since", since);
        body.put("model", model);
        if (member != null) {
            body.put("member", member);
        }
        body.put("count", rows.size());
        body.put("rollups", rows);
        sendJson(res, Status.OK_200, body);
    }

    /** Reads rows as ordered maps from an open connection. */
    private interface Query {
        List<Map<String, Object>> read(Connection c) throws SQLException;
    }

    /** Rows as ordered maps; null when an error answer was sent. No database yet means no rows. */
    private List<Map<String, Object>> query(ServerResponse res, Query query) {
        if (!Files.exists(dbPath)) {
            return new ArrayList<>();
        }
        try (Connection c = Database.openReadOnly(dbPath)) {
            return query.read(c);
        } catch (SQLException e) {
            // No table yet, or no member column yet (no projector of this build has opened the database): nothing recorded.
            if (Reads.noTable(e) || Reads.noColumn(e)) {
                return new ArrayList<>();
            }
            LOG.log(System.Logger.Level.WARNING, "cannot read " + dbPath + ": " + e.getMessage());
            ApiErrors.send(res, 500, ApiErrors.API_ERROR, "cannot read the usage database: " + e.getMessage());
            return null;
        }
    }

    /** Binds {@code params} in order, runs the statement and closes it. */
    private static List<Map<String, Object>> rows(PreparedStatement ps, List<Object> params) throws SQLException {
        try (ps) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= md.getColumnCount(); col++) {
                        row.put(md.getColumnLabel(col), value(rs, col, md.getColumnType(col)));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    private static Object value(ResultSet rs, int col, int type) throws SQLException {
        Object v = rs.getObject(col);
        if (v == null) {
            return null;
        }
        if (type == Types.REAL || type == Types.DOUBLE || type == Types.FLOAT || v instanceof Double) {
            return rs.getDouble(col);
        }
        if (v instanceof Integer n) {
            return n.longValue();
        }
        return v;
    }

    private static Long epochSeconds(UriQuery q, String name, boolean required) throws BadParameter {
        String v = optional(q, name);
        if (v == null) {
            if (required) {
                throw new BadParameter(name + " is required: epoch seconds, for example " + name + "="
                        + Instant.now().minusSeconds(3_600).getEpochSecond());
            }
            return null;
        }
        try {
            long s = Long.parseLong(v);
            if (s < 0 || s > 32_503_680_000L) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new BadParameter(name + " must be epoch seconds (a whole number between 0 and 32503680000), not '" + v + "'");
        }
    }
}
