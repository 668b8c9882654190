package dev.ccp.readmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A database made before the cost columns gains them in place, keeping its rows. */
class MigrationsTest {
    @TempDir
    Path dir;

    @Test
    void an_older_samples_table_gains_the_attribution_and_cost_columns_and_keeps_its_rows() throws Exception {
        Path db = dir.resolve("ccp.sqlite3");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE samples (idx INTEGER NOT NULL, seq INTEGER NOT NULL, ts_us INTEGER NOT NULL, req_id TEXT,"
                    + " model TEXT, upstream_model TEXT, lane TEXT, provider TEXT, decision TEXT, op TEXT, status INTEGER NOT NULL,"
                    + " header_mode TEXT, http TEXT, latency_ms REAL NOT NULL, ttfb_ms REAL, input_tokens INTEGER NOT NULL,"
                    + " output_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,"
                    + " cache_read_input_tokens INTEGER NOT NULL, stop_reason TEXT, outcome TEXT, attempts INTEGER NOT NULL,"
                    + " instance TEXT, PRIMARY KEY (idx, seq)) WITHOUT ROWID");
            s.execute("INSERT INTO samples VALUES (1, 0, 5, 'req_1', 'claude-sonnet-4-5', NULL, 'anthropic', 'anthropic',"
                    + " 'default_route', 'stream', 200, 'passthrough', 'h1', 1.5, 0.5, 10, 20, 0, 0, 'end_turn', 'ok', 1, 'px_1')");
        }
        try (Connection c = Database.open(db); Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("PRAGMA table_info(samples)")) {
                while (rs.next()) {
                    columns.add(rs.getString("name"));
                }
            }
            assertEquals(List.of("session_id", "project", "cost_pusd", "list_cost_pusd"), columns.subList(23, 27));
            try (ResultSet rs = s.executeQuery("SELECT req_id, cost_pusd FROM samples")) {
                assertTrue(rs.next());
                assertEquals("req_1", rs.getString(1));
                assertEquals(null, rs.getObject(2), "unpriced until a rebuild");
            }
        }
        try (Connection again = Database.open(db)) {
            assertTrue(again.isValid(1), "opening a second time finds nothing more to add");
        }
    }

    @Test
    void older_rollup_tables_gain_the_money_columns_null_in_the_rows_already_there() throws Exception {
        Path db = dir.resolve("ccp.sqlite3");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String t : List.of("rollup_hour", "rollup_day")) {
                s.execute("CREATE TABLE " + t + " (bucket_start INTEGER NOT NULL, model TEXT NOT NULL, lane TEXT NOT NULL,"
                        + " count INTEGER NOT NULL, errors INTEGER NOT NULL, input_tokens INTEGER NOT NULL,"
                        + " output_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,"
                        + " cache_read_input_tokens INTEGER NOT NULL, latency_p50_ms REAL, latency_p95_ms REAL,"
                        + " latency_sketch BLOB NOT NULL, PRIMARY KEY (bucket_start, model, lane)) WITHOUT ROWID");
                s.execute("INSERT INTO " + t + " VALUES (0, 'claude-sonnet-4-5', 'anthropic', 3, 0, 10, 20, 0, 0, 1, 2, x'00')");
            }
        }
        try (Connection c = Database.open(db); Statement s = c.createStatement()) {
            for (String t : List.of("rollup_hour", "rollup_day")) {
                try (ResultSet rs = s.executeQuery("SELECT count, unpriced, list_unpriced, offloaded, cost_pusd, list_cost_pusd,"
                        + " saved_pusd FROM " + t)) {
                    assertTrue(rs.next());
                    assertEquals(3, rs.getLong(1), t + " keeps its row");
                    for (int i = 2; i <= 7; i++) {
                        assertEquals(null, rs.getObject(i), t + " column " + i + ": not priced until a rebuild");
                    }
                }
            }
            CostTable.Report report = CostTable.report(c, CostTable.By.LANE, 0);
            assertEquals(3, report.total().requests());
            assertEquals(3, report.total().unpriced(), "an old row's requests read as unpriced, never as free");
        }
    }
}
