package dev.ccp.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The statements the projector writes the read model with. Each returns a prepared statement whose
 * parameters are the columns in the order the method's comment lists; the caller binds, batches and
 * closes it inside its transaction. Kept here, beside the schema, so a column change is one edit.
 */
public final class Writes {
    private Writes() {
    }

    /** {@code samples}: idx, seq, ts_us, req_id, model, upstream_model, lane, provider, decision, op, status, header_mode, http, latency_ms, ttfb_ms, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, stop_reason, outcome, attempts, instance, session_id, project, cost_pusd, list_cost_pusd, first_idx, member, cache_creation_1h_input_tokens. */
    public static PreparedStatement insertSample(Connection db) throws SQLException {
        return db.prepareStatement("INSERT OR REPLACE INTO samples (idx, seq, ts_us, req_id, model, upstream_model, lane,"
                + " provider, decision, op, status, header_mode, http, latency_ms, ttfb_ms, input_tokens, output_tokens,"
                + " cache_creation_input_tokens, cache_read_input_tokens, stop_reason, outcome, attempts, instance,"
                + " session_id, project, cost_pusd, list_cost_pusd, first_idx, member, cache_creation_1h_input_tokens)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** Retention: ts_us before which, idx up to which samples go. */
    public static PreparedStatement pruneSamples(Connection db) throws SQLException {
        return db.prepareStatement("DELETE FROM samples WHERE ts_us < ? AND idx <= ?");
    }

    /** Adds to {@code quota_usage}: minute_start, lane, model, requests, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, limited. */
    public static PreparedStatement addQuotaUsage(Connection db) throws SQLException {
        return db.prepareStatement("INSERT INTO quota_usage (minute_start, lane, model, requests,"
                + " input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, limited)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (minute_start, lane, model) DO UPDATE SET"
                + " requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,"
                + " output_tokens = output_tokens + excluded.output_tokens,"
                + " cache_creation_input_tokens = cache_creation_input_tokens + excluded.cache_creation_input_tokens,"
                + " cache_read_input_tokens = cache_read_input_tokens + excluded.cache_read_input_tokens,"
                + " limited = limited + excluded.limited");
    }

    /** {@code quota_limits}: idx, ts_us, lane, model, status. */
    public static PreparedStatement insertQuotaLimit(Connection db) throws SQLException {
        return db.prepareStatement("INSERT OR REPLACE INTO quota_limits (idx, ts_us, lane, model, status) VALUES (?, ?, ?, ?, ?)");
    }

    /** Adds to {@code quota_speed}: minute_start, lane, model, streams, output_tokens, stream_us, wall_us. */
    public static PreparedStatement addQuotaSpeed(Connection db) throws SQLException {
        return db.prepareStatement("INSERT INTO quota_speed (minute_start, lane, model, streams,"
                + " output_tokens, stream_us, wall_us) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (minute_start, lane, model)"
                + " DO UPDATE SET streams = streams + excluded.streams, output_tokens = output_tokens + excluded.output_tokens,"
                + " stream_us = stream_us + excluded.stream_us, wall_us = wall_us + excluded.wall_us");
    }

    /** The samples to fold into the rollups, idx after, idx up to: ts_us, model, lane, status, outcome, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_ms, provider, cost_pusd, list_cost_pusd, in log order. */
    public static PreparedStatement samplesToFold(Connection db) throws SQLException {
        return db.prepareStatement("SELECT ts_us, model, lane, status, outcome, input_tokens, output_tokens, cache_creation_input_tokens,"
                + " cache_read_input_tokens, latency_ms, provider, cost_pusd, list_cost_pusd FROM samples WHERE idx > ? AND idx <= ?"
                + " ORDER BY idx, seq");
    }

    /** One rollup bucket of {@link Tables#ROLLUP_HOUR} or {@link Tables#ROLLUP_DAY} by bucket_start, model, lane: count, errors, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_sketch, unpriced, list_unpriced, offloaded, cost_pusd, list_cost_pusd, saved_pusd (the last six NULL in a row folded before rollups carried cost). */
    public static PreparedStatement readRollup(Connection db, String table) throws SQLException {
        return db.prepareStatement("SELECT count, errors, input_tokens, output_tokens,"
                + " cache_creation_input_tokens, cache_read_input_tokens, latency_sketch,"
                + " unpriced, list_unpriced, offloaded, cost_pusd, list_cost_pusd, saved_pusd FROM " + Tables.rollup(table)
                + " WHERE bucket_start = ? AND model = ? AND lane = ?");
    }

    /** Writes a rollup bucket: bucket_start, model, lane, count, errors, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, latency_p50_ms, latency_p95_ms, latency_sketch, unpriced, list_unpriced, offloaded, cost_pusd, list_cost_pusd, saved_pusd. */
    public static PreparedStatement writeRollup(Connection db, String table) throws SQLException {
        return db.prepareStatement("INSERT OR REPLACE INTO " + Tables.rollup(table) + " (bucket_start, model, lane,"
                + " count, errors, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens,"
                + " latency_p50_ms, latency_p95_ms, latency_sketch, unpriced, list_unpriced, offloaded, cost_pusd,"
                + " list_cost_pusd, saved_pusd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** Whether {@code partial_files} has any row. */
    public static boolean anyPartialFile(Connection db) throws SQLException {
        try (Statement st = db.createStatement(); var rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM partial_files)")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The bytes recorded for a partial file by req_id. */
    public static PreparedStatement partialFileBytes(Connection db) throws SQLException {
        return db.prepareStatement("SELECT bytes FROM partial_files WHERE req_id = ?");
    }

    /** {@code partial_files}: req_id, bytes. */
    public static PreparedStatement putPartialFile(Connection db) throws SQLException {
        return db.prepareStatement("INSERT OR REPLACE INTO partial_files (req_id, bytes) VALUES (?, ?)");
    }

    /** Empties the named tables (a rebuild). */
    public static void wipe(Connection db, String... tables) throws SQLException {
        try (Statement s = db.createStatement()) {
            for (String t : tables) {
                s.executeUpdate("DELETE FROM " + Tables.known(t));
            }
        }
    }
}
