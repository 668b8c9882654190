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
}
