package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.EventFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** summarize, verify-routing, usage and replay against projections built from a known event log. */
class ReportCommandsTest {
    private static final Instant START = Instant.parse("2026-11-24T09:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private CcRunner cc() {
        return new CcRunner(root, InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z")));
    }

    private EventFixture fixture(CcRunner cc) {
        return new EventFixture(cc.paths(), START);
    }

    @Test
    void verifyRoutingOnCleanTrafficPrintsTheTwoLinesAndExitsZero() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai().haikuOnZai().sonnetOnAnthropic()
                .request("claude-3-5-haiku-20241022", "anthropic", "paused", "passthrough", 200, 10, 10)
                .request("claude-3-5-haiku-20241022", "anthropic", "missing_credentials", "passthrough", 200, 10, 10)
                .project();

        CcRunner.Result r = cc.run("verify-routing");

        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("routing decisions sent to Z.AI: 40.0% (2 of 5)", lines.get(0));
        assertEquals("completions per lane: anthropic 3, zai 2, unknown 0", lines.get(1));
        assertTrue(lines.get(2).contains("haiku_on_anthropic") && lines.get(2).contains(" 0 violation(s)"), lines.get(2));
        assertTrue(lines.get(3).contains("zai_header_on_anthropic") && lines.get(3).contains(" 0 violation(s)"), lines.get(3));
        assertTrue(lines.getLast().startsWith("OK: routing verified over 5 line(s)"), lines.getLast());
    }

    @Test
    void verifyRoutingFindsEachKindOfViolationAndExitsOne() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai()
                .request("claude-3-5-haiku-20241022", "anthropic", "default_route", "passthrough", 200, 10, 10)
                .request("claude-sonnet-4-5", "anthropic", "default_route", "x-api-key", 200, 10, 10)
                .request("claude-sonnet-4-5", "anthropic", "default_route", "authorization", 200, 10, 10)
                .request(null, null, "rejected", "none", 400, 0, 0)
                .project();

        CcRunner.Result text = cc.run("verify-routing");
        assertEquals(1, text.exit(), text.toString());
        assertTrue(text.out().contains("haiku_on_anthropic: line 2 "), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("FAIL: 3 routing violation(s)")), text.out());

        CcRunner.Result r = cc.run("verify-routing", "--json");
        assertEquals(1, r.exit(), r.toString());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(5, doc.get("decisions").asLong());
        assertEquals(0.2, doc.get("zai_share").asDouble(), 1e-9);
        assertEquals(3, doc.at("/completions/anthropic").asLong());
        assertEquals(1, doc.at("/completions/zai").asLong());
        assertEquals(1, doc.at("/completions/unknown").asLong());
        assertEquals(1, doc.at("/violations/haiku_on_anthropic").asLong());
        assertEquals(2, doc.at("/violations/zai_header_on_anthropic").asLong());
        assertEquals("req_fx_2", doc.at("/examples/haiku_on_anthropic/0/req_id").asText());
    }

    @Test
    void verifyRoutingBringsUsageJsonlUpToDateWithTheLog() throws Exception {
        CcRunner cc = cc();
        EventFixture fx = fixture(cc).haikuOnZai().project();
        fx.request("claude-3-5-haiku-20241022", "anthropic", "default_route", "passthrough", 200, 1, 1).write();

        CcRunner.Result r = cc.run("verify-routing", "--json");

        assertEquals(1, r.exit(), r.toString());
        assertEquals(2, JSON.readTree(r.out()).get("decisions").asLong());
    }

    @Test
    void commandsThatReadProjectionsSaySoWhenNoneExistYet() {
        CcRunner cc = cc();
        for (String[] args : List.of(new String[]{"verify-routing"}, new String[]{"summarize"}, new String[]{"usage"},
                new String[]{"db", "status"}, new String[]{"db", "export", "--csv", root.resolve("x.csv").toString()})) {
            CcRunner.Result r = cc.run(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r);
            assertEquals(1, r.errLines().size(), r.toString());
            assertTrue(r.err().contains("no projections yet under " + cc.paths().logDir() + ": start the projector"), r.err());
        }
    }

    @Test
    void summarizeBringsMetricsUpToDateAndPrintsTheScoreboard() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai().sonnetOnAnthropic().write();

        CcRunner.Result r = cc.run("summarize");

        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.isRegularFile(cc.paths().metricsJson()));
        assertTrue(r.out().startsWith("scoreboard of " + cc.paths().metricsJson() + ": 2 request(s), 0 error(s)"), r.out());
        String laneZai = r.out().lines().filter(l -> l.startsWith("lane ") && l.contains(" zai ")).findFirst().orElseThrow();
        assertTrue(laneZai.matches("lane\\s+zai\\s+1\\s+0\\s+100\\s+50\\s+0\\s+5\\s+250\\.\\d.*"), laneZai);

        CcRunner.Result json = cc.run("summarize", "--json");
        JsonNode doc = JSON.readTree(json.out());
        assertEquals(2, doc.at("/total/count").asLong());
        assertEquals(1, doc.at("/by_lane/anthropic/count").asLong());
        assertEquals(JSON.readTree(cc.paths().metricsJson().toFile()), doc);
    }

    @Test
    void usageWithoutABudgetShowsTotalsPerLaneAndModel() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai().haikuOnZai().sonnetOnAnthropic().project();

        CcRunner.Result r = cc.run("usage");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("no budget set"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("zai\\s+claude-3-5-haiku-20241022\\s+2\\s+200\\s+100\\s+0\\s+10\\s+310")), r.out());

        CcRunner.Result banner = cc.run("usage", "--banner");
        assertEquals("ccp usage 24h: 1.5k tokens · 3 completions · anthropic 1 (1.2k) · zai 2 (310) · no budget set\n", banner.out());

        JsonNode doc = JSON.readTree(cc.run("usage", "--json").out());
        assertTrue(doc.get("budget").isNull());
        assertEquals(1515, doc.at("/total/total_tokens").asLong());
        assertEquals(2, doc.at("/lanes/zai/completions").asLong());
    }

    @Test
    void usageAgainstABudgetSaysWhatIsOverAndExitsOne() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai().haikuOnZai().sonnetOnAnthropic().project();
        Path budget = cc.paths().configsDir().resolve("usage-budget.yaml");
        Files.createDirectories(budget.getParent());
        Files.writeString(budget, """
                budget:
                  window: 7d
                  tokens: 10000
                  completions: 100
                  lanes:
                    anthropic: { tokens: 1000 }
                    zai: { completions: 5 }
                """);

        CcRunner.Result r = cc.run("usage");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("over budget: tokens 1205 > 1000 (anthropic)"), r.out());

        CcRunner.Result banner = cc.run("usage", "--banner");
        assertEquals("ccp usage 7d: 1.5k/10.0k (15%) tokens · 3/100 completions · anthropic 1 (1.2k) · zai 2 (310) · OVER BUDGET\n",
                banner.out());
        assertEquals(1, banner.exit());

        Files.writeString(budget, "budget:\n  tokens: 100000\n");
        assertEquals(0, cc.run("usage").exit());

        Files.writeString(budget, "budget:\n  tokens: lots\n");
        CcRunner.Result bad = cc.run("usage");
        assertEquals(2, bad.exit());
        assertEquals(List.of("cc usage: " + budget + ":2: budget.tokens must be a whole number >= 0, not 'lots'"), bad.errLines());
    }

    @Test
    void usageAllRowShowsTheCompletionsShareWhenCompletionsAreOverBudget() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai().haikuOnZai().sonnetOnAnthropic().project();
        Path budget = cc.paths().configsDir().resolve("usage-budget.yaml");
        Files.createDirectories(budget.getParent());
        Files.writeString(budget, """
                budget:
                  window: 7d
                  tokens: 100000
                  completions: 2
                  lanes:
                    zai: { tokens: 100000, completions: 1 }
                """);

        CcRunner.Result r = cc.run("usage");

        assertEquals(1, r.exit(), r.toString());
        String all = r.out().lines().filter(l -> l.startsWith("all ")).findFirst().orElseThrow();
        assertTrue(all.endsWith(" 150%"), "3 of 2 completions, 2% of the tokens: " + all);
        String zai = r.out().lines().filter(l -> l.startsWith("zai ")).reduce((first, lanes) -> lanes).orElseThrow();
        assertTrue(zai.endsWith(" 200%"), "2 of 1 completions: " + zai);
    }

    @Test
    void usageCountsOnlyTheWindow() throws Exception {
        CcRunner cc = cc().clock(InstantSource.fixed(Instant.parse("2026-11-26T10:00:00Z")));
        fixture(cc).haikuOnZai().project();

        JsonNode doc = JSON.readTree(cc.run("usage", "--json").out());

        assertEquals(0, doc.at("/total/completions").asLong(), doc.toString());
    }

    @Test
    void replayRebuildsEveryProjectionFromTheLogWithProgress() throws Exception {
        CcRunner cc = cc();
        fixture(cc).haikuOnZai().sonnetOnAnthropic().project();
        String before = Files.readString(cc.paths().usageJsonl());
        Files.delete(cc.paths().usageJsonl());
        Files.delete(cc.paths().metricsJson());

        CcRunner.Result r = cc.run("replay");

        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("replayed 8 event(s) into usage-jsonl, sqlite, metrics, partials"), r.out());
        assertTrue(r.err().contains("replay: 8/8 events (100%)"), r.err());
        assertEquals(before, Files.readString(cc.paths().usageJsonl()));
        assertTrue(Files.isRegularFile(cc.paths().metricsJson()));
    }

    @Test
    void replayWithoutALogOrWithAnUnknownProjectionIsOneLine() throws Exception {
        CcRunner cc = cc();
        CcRunner.Result none = cc.run("replay");
        assertEquals(2, none.exit());
        assertEquals(List.of("cc replay: no event log under " + cc.paths().queueDir() + ": nothing to replay"), none.errLines());

        fixture(cc).haikuOnZai().write();
        CcRunner.Result bad = cc.run("replay", "--only", "bogus");
        assertEquals(2, bad.exit());
        assertFalse(bad.err().contains("\tat "), bad.err());
        assertTrue(bad.err().startsWith("cc replay: unknown projection 'bogus'"), bad.err());
    }
}
