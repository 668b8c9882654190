package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.support.Projections;
import dev.ccp.events.testing.CostLog;
import dev.ccp.events.testing.TwoMembersLog;
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

/** cc usage --by member over a two-member log, projected by the real projector. */
class UsageByMemberTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.ofEpochSecond(CostLog.T0_US / 1_000_000 + 3_600);

    @TempDir
    Path root;

    private CcRunner projected() {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(NOW));
        CostLog.writePrices(root, CostLog.PRICES_AS_LISTED);
        TwoMembersLog.write(cc.paths().queueDir());
        Projections.catchUp(cc.context(), Set.of());
        return cc;
    }

    private static List<List<String>> rows(String out, String first) {
        return out.lines().filter(l -> l.startsWith(first + " ")).map(l -> Arrays.asList(l.trim().split(" +"))).toList();
    }

    @Test
    void by_member_shows_each_members_completions_and_tokens_per_lane() {
        CcRunner.Result r = projected().run("usage", "--by", "member");

        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("MEMBER"), r.out());
        // ann: two sonnet and one mystery request on anthropic, one haiku offloaded to zai (CostLog's tokens).
        assertEquals(List.of(List.of("ann@one", "anthropic", "3", "151010", "3010", "10000", "110000", "274020"),
                List.of("ann@one", "zai", "1", "100000", "10000", "0", "0", "110000")), rows(r.out(), "ann@one"));
        assertEquals(List.of(List.of("bob@two", "zai", "1", "1000", "100", "0", "0", "1100")), rows(r.out(), "bob@two"));
        // The lanes against the budget stay the totals of every member.
        assertEquals(List.of("all", "5", "-", "385120", "-", "-"), rows(r.out(), "all").getFirst());
    }

    @Test
    void by_member_json_lists_the_members_beside_the_gauge() throws Exception {
        JsonNode doc = JSON.readTree(projected().run("usage", "--by", "member", "--json").out());
        assertEquals(3, doc.get("members").size());
        assertEquals("bob@two", doc.at("/members/2/member").asText());
        assertEquals(1100, doc.at("/members/2/total_tokens").asLong());
        assertEquals(5, doc.at("/total/completions").asLong());
    }

    @Test
    void a_group_that_only_cost_reports_know_is_one_line_and_exit_two() {
        CcRunner.Result r = projected().run("usage", "--by", "session");
        assertEquals(2, r.exit());
        assertEquals(List.of("cc usage: --by must be lane, model or member (not session); session and project go with --cost"),
                r.errLines());
    }
}
