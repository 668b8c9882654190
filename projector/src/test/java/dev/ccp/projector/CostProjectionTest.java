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
        assertTrue(lines.getFirst().endsWith(",\"upstream_model\":\"claude-sonnet-4-5\",\"cost_usd\":0.0855,\"list_cost_usd\":0.0855}"),
                lines.getFirst());
        assertEquals(List.of(
                List.of("req_cost_1", "0.0855", "0.0855"),
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
            assertEquals(List.of("s1 2 0 1.044 1.044 0", "s2 2 1 0.082 0.15 0.068"),
                    bySession.rows().stream().map(CostProjectionTest::line).toList());
            assertEquals("total 4 1 1.126 1.194 0.068", line(bySession.total()));
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
