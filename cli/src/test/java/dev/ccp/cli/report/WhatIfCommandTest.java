package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CcRunner;
import dev.ccp.cli.support.Projections;
import dev.ccp.events.testing.CostLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cc whatif replays the fixture's routing under a catalog that offloads sonnet too, and prints both columns. */
class WhatIfCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private CcRunner projected() throws Exception {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(Instant.ofEpochSecond(CostLog.T0_US / 1_000_000 + 3_600)));
        CostLog.writePrices(root, CostLog.PRICES_AS_LISTED);
        CostLog.write(cc.paths().queueDir());
        Projections.catchUp(cc.context(), Set.of());
        Files.writeString(root.resolve("offload-sonnet.yaml"), """
                providers:
                  anthropic: { base_url: https://api.anthropic.com, auth: passthrough }
                  zai: { base_url: https://api.z.ai/api/anthropic, auth_env: ZAI_API_KEY }
                routes:
                  - { match: sonnet, provider: zai, upstream_model: glm-4.6 }
                  - { match: haiku, provider: zai, upstream_model: glm-4.6 }
                """);
        return cc;
    }

    private static List<String> cells(String out, String first) {
        return out.lines().filter(l -> l.startsWith(first)).map(l -> Arrays.asList(l.substring(first.length()).trim().split(" +")))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + first + " in\n" + out));
    }

    @Test
    void prints_what_happened_beside_what_the_other_catalog_would_have_done() throws Exception {
        CcRunner cc = projected();
        String before = Files.readString(cc.paths().usageJsonl());
        CcRunner.Result r = cc.run("whatif", "--providers", "offload-sonnet.yaml");

        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("3", "1"), cells(r.out(), "requests anthropic"));
        assertEquals(List.of("1", "3"), cells(r.out(), "requests zai"));
        assertEquals(List.of("274020", "20"), cells(r.out(), "tokens anthropic"));
        assertEquals(List.of("110000", "384000"), cells(r.out(), "tokens zai"));
        assertEquals(List.of("25.0%", "75.0%"), cells(r.out(), "offload share"));
        // Sonnet on glm-4.6: 0.0165 and 0.0988 (no long-context tier, no 1-hour cache rate there), plus the haiku request's 0.082.
        assertEquals(List.of("1.135", "0.1973"), cells(r.out(), "cost USD"));
        assertEquals(List.of("1.203", "1.203"), cells(r.out(), "list USD"));
        assertEquals(List.of("0.068", "1.0057"), cells(r.out(), "saved USD"));
        assertEquals(List.of("1", "1"), cells(r.out(), "unpriced"));
        assertEquals(before, Files.readString(cc.paths().usageJsonl()), "read-only: no projection changes");

        JsonNode doc = JSON.readTree(cc.run("whatif", "--providers", "offload-sonnet.yaml", "--json").out());
        assertEquals(4, doc.get("requests").asInt());
        assertEquals("0.1973", doc.at("/what_if/cost_usd").decimalValue().toPlainString());
        assertEquals(0.75, doc.at("/what_if/offload_share").asDouble());
        assertEquals(3, doc.at("/what_if/lanes/zai/requests").asInt());
    }

    @Test
    void a_catalog_that_cannot_be_used_is_one_line_and_exit_two() throws Exception {
        CcRunner cc = projected();
        Files.writeString(root.resolve("bad.yaml"), "routes:\n  - { match: sonnet, provider: nowhere }\n");
        CcRunner.Result r = cc.run("whatif", "--providers", "bad.yaml");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().getFirst().startsWith("cc whatif: " + root.resolve("bad.yaml") + ":2: route 1 (match sonnet) names unknown provider nowhere"),
                r.toString());
    }
}
