package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.support.Projections;
import dev.ccp.events.testing.CostLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cc usage --cost over a log of known costs, projected by the real projector. */
class UsageCostCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.ofEpochSecond(CostLog.T0_US / 1_000_000 + 86_400);

    @TempDir
    Path root;

    private CcRunner projected(String prices) {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(NOW));
        CostLog.writePrices(root, prices);
        CostLog.write(cc.paths().queueDir());
        Projections.catchUp(cc.context(), Set.of());
        return cc;
    }

    private static List<String> cells(String out, String first) {
        return out.lines().filter(l -> l.startsWith(first + " ")).map(l -> Arrays.asList(l.trim().split(" +")))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + first + " in\n" + out));
    }

    @Test
    void by_session_prints_exact_cost_list_cost_and_savings_and_says_how_many_requests_are_unpriced() {
        CcRunner.Result r = projected(CostLog.PRICES_AS_LISTED).run("usage", "--cost", "--by", "session");

        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("SESSION"), r.out());
        assertEquals(List.of("s1", "2", "0", "0", "1.053", "1.053", "0"), cells(r.out(), "s1"));
        assertEquals(List.of("s2", "2", "1", "1", "0.082", "0.15", "0.068"), cells(r.out(), "s2"));
        assertEquals(List.of("total", "4", "1", "1", "1.135", "1.203", "0.068"), cells(r.out(), "total"));
        assertTrue(r.out().contains("unpriced 1 request: "), r.out());
    }

    @Test
    void json_has_the_same_figures_as_exact_numbers_and_a_plan_fee_is_pro_rated_out_of_the_savings() throws Exception {
        CcRunner cc = projected(CostLog.PRICES_AS_LISTED + """
                plans:
                  - {provider: zai, name: Pro, monthly_usd: 31, effective_from: 2025-12-01}
                """);
        JsonNode doc = JSON.readTree(cc.run("usage", "--cost", "--by", "project", "--since", "48h", "--json").out());

        assertEquals("project", doc.get("by").asText());
        assertEquals("2025-12-31T00:00:00Z", doc.get("since").asText());
        assertEquals("alpha", doc.at("/rows/0/project").asText());
        assertEquals("1.053", doc.at("/rows/0/cost_usd").decimalValue().toPlainString());
        // Under a plan zai charges nothing per token: beta's offloaded request costs 0 and saves its list price.
        assertEquals("0", doc.at("/rows/1/cost_usd").decimalValue().toPlainString());
        assertEquals("0.15", doc.at("/rows/1/saved_usd").decimalValue().toPlainString());
        // 48 hours of a 31-day month at 31 USD a month: 2 USD.
        assertEquals("2", doc.at("/total/plan_fees_usd").decimalValue().toPlainString());
        assertEquals("-1.85", doc.at("/total/net_saved_usd").decimalValue().toPlainString());
        assertEquals(1, doc.get("unpriced_requests").asInt());
    }

    @Test
    void a_bad_group_or_duration_is_one_line_and_exit_two() {
        CcRunner cc = projected(CostLog.PRICES_AS_LISTED);
        CcRunner.Result by = cc.run("usage", "--cost", "--by", "colour");
        assertEquals(2, by.exit());
        assertEquals(List.of("cc usage: --by must be one of lane, model, session, project, member (not colour)"), by.errLines());
        CcRunner.Result since = cc.run("usage", "--cost", "--since", "soon");
        assertEquals(2, since.exit());
        assertEquals(List.of("cc usage: --since soon is not a duration (for example 7d, 24h, 90m)"), since.errLines());
    }
}
