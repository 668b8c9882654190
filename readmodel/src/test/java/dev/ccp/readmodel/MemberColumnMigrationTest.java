package dev.ccp.readmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A database made before members were recorded gains the samples' member column, and reports split by it. */
class MemberColumnMigrationTest {
    @TempDir
    Path dir;

    @Test
    void an_older_samples_table_gains_a_member_column_its_old_rows_read_as_no_member() throws Exception {
        Path db = dir.resolve("ccp.sqlite3");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE samples (idx INTEGER NOT NULL, seq INTEGER NOT NULL, ts_us INTEGER NOT NULL, req_id TEXT,"
                    + " model TEXT, upstream_model TEXT, lane TEXT, provider TEXT, decision TEXT, op TEXT, status INTEGER NOT NULL,"
                    + " header_mode TEXT, http TEXT, latency_ms REAL NOT NULL, ttfb_ms REAL, input_tokens INTEGER NOT NULL,"
                    + " output_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,"
                    + " cache_read_input_tokens INTEGER NOT NULL, stop_reason TEXT, outcome TEXT, attempts INTEGER NOT NULL,"
                    + " instance TEXT, PRIMARY KEY (idx, seq)) WITHOUT ROWID");
            s.execute("INSERT INTO samples VALUES (1, 0, 5000000, 'req_1', 'claude-sonnet-4-5', NULL, 'anthropic', 'anthropic',"
                    + " 'default_route', 'stream', 200, 'passthrough', 'h1', 1.5, 0.5, 10, 20, 0, 0, 'end_turn', 'ok', 1, 'px_1')");
        }
        try (Connection c = Database.open(db)) {
            List<String> columns = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(samples)")) {
                while (rs.next()) {
                    columns.add(rs.getString("name"));
                }
            }
            assertTrue(columns.contains("member"), columns.toString());
            try (PreparedStatement insert = Writes.insertSample(c)) {
                Object[] v = {2, 0, 6_000_000L, "req_2", "glm-4.6", null, "zai", "zai", "model_route", "nonstream", 200,
                        "x-api-key", "h1", 2.5, 1.0, 7, 3, 0, 0, "end_turn", "ok", 1, "px_2", null, null, null, null, 2, "ann@one"};
                for (int i = 0; i < v.length; i++) {
                    insert.setObject(i + 1, v[i]);
                }
                insert.executeUpdate();
            }
            Map<String, long[]> byMember = new java.util.TreeMap<>();
            try (PreparedStatement ps = Reads.usageByMemberAndLane(c)) {
                ps.setLong(1, 0);
                ps.setLong(2, Long.MAX_VALUE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byMember.put(rs.getString(1) + "/" + rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4) + rs.getLong(5)});
                    }
                }
            }
            assertEquals(List.of("/anthropic", "ann@one/zai"), List.copyOf(byMember.keySet()), "the old row has no member");
            assertEquals(1, byMember.get("ann@one/zai")[0]);
            assertEquals(10, byMember.get("ann@one/zai")[1]);
            List<Map<String, Object>> annHours = MemberRollups.after(c, "hour", Long.MIN_VALUE, null, "ann@one", 10);
            assertEquals(1, annHours.size());
            assertEquals(1L, annHours.getFirst().get("count"));
            assertEquals(2.5, (double) annHours.getFirst().get("latency_p50_ms"), 0.01);
        }
    }
}
