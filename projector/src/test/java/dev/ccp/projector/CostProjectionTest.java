package dev.ccp.projector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.events.CcpPaths;
import dev.ccp.events.testing.CostLog;
import dev.ccp.readmodel.CostTable;
import dev.ccp.readmodel.Database;
import dev.ccp.readmodel.ProviderWindowsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Costs are derived by the projections from the price table, exactly, and a rebuild reprices history. */
class CostProjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private List<String[]> costs(CcpPaths paths) throws Exception {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(paths.usageJsonl())) {
            JsonNode n = JSON.readTree(line);
            out.add(new String[] {n.get("req_id").asText(), n.get("cost_usd").toString(), n.get("list_cost_usd").toString()});
        }
        return out;
    }

    @Test
    void usage_jsonl_gives_each_request_its_exact_cost_and_list_cost_and_null_when_unpriced() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        Projector.catchUp(paths, Set.of("usage-jsonl"));

        List<String> lines = Files.readAllLines(paths.usageJsonl());
        assertTrue(lines.getFirst().endsWith(",\"upstream_model\":\"claude-sonnet-4-5\",\"cost_usd\":0.0945,\"list_cost_usd\":0.0945"
                        + ",\"cache_creation_1h_input_tokens\":4000}"),
                "4,000 of the 10,000 cache writes at the 1-hour rate: " + lines.getFirst());
        assertEquals(List.of(
                List.of("req_cost_1", "0.0945", "0.0945"),
                List.of("req_cost_2", "0.9585", "0.9585"),
                List.of("req_cost_3", "0.082", "0.15"),
                List.of("req_cost_4", "null", "null")), costs(paths).stream().map(List::of).toList());
    }

    @Test
    void the_read_model_sums_cost_list_cost_and_savings_per_session_exactly_and_counts_the_unpriced() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        Projector.catchUp(paths, Set.of("sqlite"));

        try (Connection db = Database.openReadOnly(paths.dbPath())) {
            CostTable.Report bySession = CostTable.report(db, CostTable.By.SESSION, 0);
            assertEquals(List.of("s1 2 0 1.053 1.053 0", "s2 2 1 0.082 0.15 0.068"),
                    bySession.rows().stream().map(CostProjectionTest::line).toList());
            assertEquals("total 4 1 1.135 1.203 0.068", line(bySession.total()));
            CostTable.Report byProject = CostTable.report(db, CostTable.By.PROJECT, 0);
            assertEquals(List.of("alpha", "beta"), byProject.rows().stream().map(CostTable.Row::key).toList());
            assertEquals(List.of(), CostTable.report(db, CostTable.By.LANE, CostLog.T0_US / 1_000_000 + 3600).rows(),
                    "nothing in the hours after the fixture");

            List<ProviderWindowsTable.Standing> windows = ProviderWindowsTable.all(db);
            assertEquals(1, windows.size());
            ProviderWindowsTable.Standing s = windows.getFirst();
            assertEquals("anthropic", s.provider());
            assertEquals(CostLog.CREDENTIAL, s.credential());
            assertEquals(0.93, s.fiveHour().utilization(), "the latest answer's 5-hour utilisation");
            assertEquals("allowed_warning", s.fiveHour().status());
            assertEquals(0.25, s.sevenDay().utilization());
        }
    }

    @Test
    void the_rollups_carry_cost_so_the_cost_by_lane_and_model_reads_them_and_agrees_with_the_per_session_table() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        Projector.catchUp(paths, Set.of("sqlite"));

        List<String> expected = List.of("anthropic 3 1 1.053 1.053 0", "zai 1 0 0.082 0.15 0.068");
        try (Connection db = Database.openReadOnly(paths.dbPath())) {
            for (String table : List.of("rollup_hour", "rollup_day")) {
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT SUM(count), SUM(unpriced),"
                        + " SUM(list_unpriced), SUM(offloaded), SUM(cost_pusd), SUM(list_cost_pusd), SUM(saved_pusd) FROM " + table)) {
                    assertTrue(rs.next());
                    assertEquals(List.of(4L, 1L, 1L, 1L, 1_135_000_000_000L, 1_203_000_000_000L, 68_000_000_000L),
                            List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                                    rs.getLong(7)), table + ": requests, unpriced, list unpriced, offloaded, cost, list, saved");
                }
            }
            CostTable.Report byLane = CostTable.report(db, CostTable.By.LANE, 0);
            assertEquals(expected, byLane.rows().stream().map(CostProjectionTest::line).toList());
            assertEquals("total 4 1 1.135 1.203 0.068", line(byLane.total()));
            assertEquals(line(CostTable.report(db, CostTable.By.SESSION, 0).total()), line(byLane.total()));
            assertEquals(List.of("claude-sonnet-4-5 2 0 1.053 1.053 0", "claude-haiku-4-5 1 0 0.082 0.15 0.068",
                            "claude-mystery-1 1 1 0 0 0"),
                    CostTable.report(db, CostTable.By.MODEL, 0).rows().stream().map(CostProjectionTest::line).toList());
        }

        // Samples the rollups have not folded yet (after their checkpoint) are read from the samples.
        try (Connection db = Database.open(paths.dbPath())) {
            try (Statement st = db.createStatement()) {
                st.executeUpdate("DELETE FROM rollup_hour");
                st.executeUpdate("DELETE FROM checkpoints WHERE name = 'sqlite-rollups'");
            }
            db.commit();
            assertEquals(expected, CostTable.report(db, CostTable.By.LANE, 0).rows().stream().map(CostProjectionTest::line).toList(),
                    "the same figures from the samples not folded yet");
        }
    }

    @Test
    void rollup_rows_folded_before_rollups_carried_cost_read_as_unpriced_until_a_rebuild() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        Projector.catchUp(paths, Set.of("sqlite"));
        try (Connection db = Database.open(paths.dbPath())) {
            try (Statement st = db.createStatement()) {
                st.executeUpdate("UPDATE rollup_hour SET unpriced = NULL, list_unpriced = NULL, offloaded = NULL,"
                        + " cost_pusd = NULL, list_cost_pusd = NULL, saved_pusd = NULL");
            }
            db.commit();
            assertEquals("total 4 4 0 0 0", line(CostTable.report(db, CostTable.By.LANE, 0).total()),
                    "an old row's requests are counted, and all unpriced");
        }
        Projector.rebuild(paths, Set.of("sqlite"), Progress.NONE);
        try (Connection db = Database.openReadOnly(paths.dbPath())) {
            assertEquals("total 4 1 1.135 1.203 0.068", line(CostTable.report(db, CostTable.By.LANE, 0).total()));
        }
    }

    private static String line(CostTable.Row r) {
        return String.join(" ", r.key(), Long.toString(r.requests()), Long.toString(r.unpriced()),
                CostTable.usd(r.cost()).toPlainString(), CostTable.usd(r.listCost()).toPlainString(),
                CostTable.usd(r.saved()).toPlainString());
    }

    @Test
    void doubling_zais_prices_and_rebuilding_doubles_the_offloaded_cost_and_nothing_else() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        Projector.catchUp(paths, Set.of("usage-jsonl"));
        List<String[]> before = costs(paths);

        CostLog.writePrices(dir, CostLog.PRICES_ZAI_DOUBLED);
        Projector.rebuild(paths, Set.of("usage-jsonl"), Progress.NONE);
        List<String[]> after = costs(paths);

        assertEquals("0.082", before.get(2)[1]);
        assertEquals("0.164", after.get(2)[1]);
        assertEquals(before.get(2)[2], after.get(2)[2], "the list price is Anthropic's: unchanged");
        for (int i : new int[] {0, 1, 3}) {
            assertEquals(List.of(before.get(i)), List.of(after.get(i)), "request " + (i + 1) + " is not served by zai");
        }
    }

    @Test
    void a_broken_price_table_stops_a_rebuild_with_its_file_and_line_before_anything_is_wiped() throws Exception {
        CcpPaths paths = CcpPaths.under(dir);
        CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED);
        CostLog.write(paths.queueDir());
        Projector.catchUp(paths, Set.of("usage-jsonl"));
        String good = Files.readString(paths.usageJsonl());

        Path prices = CostLog.writePrices(dir, CostLog.PRICES_AS_LISTED.replace("output: 15", "output: fifteen"));
        Exception e = assertThrows(RuntimeException.class, () -> Projector.rebuild(paths, Set.of("usage-jsonl"), Progress.NONE));
        assertEquals(prices + ":7: output is not a number: fifteen", e.getMessage());
        assertEquals(good, Files.readString(paths.usageJsonl()));
    }
}
