package dev.ccp.cli.quota;

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
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cc status shows Anthropic's own windows as the latest recorded answer reported them. */
class StatusWindowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private CcRunner at(Instant now) {
        CcRunner cc = new CcRunner(root, InstantSource.fixed(now));
        CostLog.write(cc.paths().queueDir());
        Projections.catchUp(cc.context(), Set.of());
        return cc;
    }

    @Test
    void the_latest_5_hour_and_7_day_utilisation_with_their_resets_are_shown_per_credential() throws Exception {
        CcRunner cc = at(Instant.parse("2026-01-01T01:00:00Z"));
        CcRunner.Result r = cc.run("status");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("anthropic window (" + CostLog.CREDENTIAL + ", as of 2026-01-01T00:02:00Z): "
                + "5h 93% allowed_warning, resets 2026-01-01T05:00:00Z; 7d 25% allowed, resets 2026-01-08T00:00:00Z"), r.out());

        JsonNode w = JSON.readTree(cc.run("status", "--json").out()).at("/provider_windows/0");
        assertEquals(0.93, w.at("/five_hour/utilization").asDouble());
        assertEquals("2026-01-01T05:00:00Z", w.at("/five_hour/reset").asText());
        assertEquals(false, w.at("/five_hour/stale").asBoolean());
    }

    @Test
    void a_window_whose_reset_has_passed_is_shown_as_reset() {
        CcRunner.Result r = at(Instant.parse("2026-01-01T06:00:00Z")).run("status");
        assertTrue(r.out().contains("5h 93% allowed_warning, reset at 2026-01-01T05:00:00Z (no answer since)"), r.out());
    }
}
