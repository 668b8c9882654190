package dev.ccp.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Projections;
import dev.ccp.cli.support.Table;
import dev.ccp.readmodel.CheckpointStore;
import dev.ccp.readmodel.ProjectionStatus;
import dev.ccp.readmodel.ReadModelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code cc summarize}: the guide's {@code make summarize}. Brings the metrics projection up to the end
 * of the log (like {@code bin/ccp-projector --once --only metrics}) and prints the scoreboard of
 * {@code results/METRICS.json}.
 */
@Command(name = "summarize", mixinStandardHelpOptions = true,
        description = {"Bring results/METRICS.json up to date with the event log and print the scoreboard.",
                "Counts, errors, tokens and latency/TTFB p50/p95 in total and per lane, op, header mode, HTTP version,",
                "decision, model and outcome. --json prints METRICS.json itself (one line)."})
public final class SummarizeCommand extends CcSubcommand {
    /** The dimensions of METRICS.json, in the order the scoreboard shows them. */
    static final List<String> DIMENSIONS = List.of("by_lane", "by_op", "by_header_mode", "by_http", "by_decision",
            "by_model", "by_outcome");

    @Mixin
    JsonOption json;

    public SummarizeCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Projections.catchUp(ctx, Set.of("metrics"));
        Path file = ctx.paths().metricsJson();
        if (!Files.isRegularFile(file)) {
            throw Projections.noneYet(ctx.paths().logDir());
        }
        JsonNode doc = current(file);
        if (json.on()) {
            Json.print(out(), doc);
            return ExitCodes.OK;
        }
        JsonNode total = doc.path("total");
        out().println("scoreboard of " + file + ": " + total.path("count").asLong() + " request(s), "
                + total.path("errors").asLong() + " error(s), " + doc.path("events").asLong() + " event(s) applied"
                + (doc.path("unreadable_events").asLong() > 0 ? ", " + doc.path("unreadable_events").asLong() + " unreadable" : "")
                + (doc.path("first_ts").isTextual() ? ", " + doc.path("first_ts").asText() + " .. " + doc.path("last_ts").asText() : ""));
        Table t = new Table("GROUP", "VALUE", "COUNT", "ERRORS", "IN_TOK", "OUT_TOK", "CACHE_W", "CACHE_R",
                "LAT_P50_MS", "LAT_P95_MS", "TTFB_P50_MS", "TTFB_P95_MS").alignRight(2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        row(t, "total", "all", total);
        for (String dim : DIMENSIONS) {
            JsonNode groups = doc.path(dim);
            for (Iterator<Map.Entry<String, JsonNode>> it = groups.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> g = it.next();
                row(t, dim.substring(3), g.getKey(), g.getValue());
            }
        }
        t.print(out());
        return ExitCodes.OK;
    }

    /**
     * METRICS.json as of the metrics checkpoint. A running projector (make run) rewrites the file at most
     * every 250 ms after committing its checkpoint, so the file may briefly trail it: wait for it (5 s at most).
     */
    private JsonNode current(Path file) throws IOException {
        long applied = -1;
        try {
            for (ProjectionStatus s : CheckpointStore.status(ctx.paths())) {
                if (s.name().equals("metrics")) {
                    applied = s.events();
                }
            }
        } catch (ReadModelException e) {
            // No readable checkpoint: the file is all there is.
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            JsonNode doc = Json.mapper().readTree(file.toFile());
            if (doc.path("events").asLong() >= applied || System.nanoTime() > deadline) {
                return doc;
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    private static void row(Table t, String group, String value, JsonNode s) {
        t.row(group, value, s.path("count").asLong(), s.path("errors").asLong(), s.path("input_tokens").asLong(),
                s.path("output_tokens").asLong(), s.path("cache_creation_input_tokens").asLong(),
                s.path("cache_read_input_tokens").asLong(), ms(s.path("latency_ms").path("p50")),
                ms(s.path("latency_ms").path("p95")), ms(s.path("ttfb_ms").path("p50")), ms(s.path("ttfb_ms").path("p95")));
    }

    private static String ms(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f", v.asDouble()) : "-";
    }
}
