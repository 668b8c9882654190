package dev.ccp.cli.report;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.ProjectorProcess.Summary;
import dev.ccp.cli.support.ProjectorProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code cc replay}: wipes the projections and rebuilds them from the first event of the log, with progress. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuild every projection from the event log, with progress.",
                "usage.jsonl, SQLite, METRICS.json and partials are wiped and rebuilt as bin/ccp-projector --rebuild",
                "does; progress goes to stderr. Stop a running projector first (cc off, or Ctrl-C on make run):",
                "a projection is built by one process at a time."})
public final class ReplayCommand extends CcSubcommand {
    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "Only these projections: usage-jsonl, sqlite, metrics, partials (comma-separated).")
    List<String> only;

    @Mixin
    JsonOption json;

    public ReplayCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        if (!Files.isDirectory(ctx.paths().queueDir())) {
            throw CommandFailure.of("no event log under " + ctx.paths().queueDir() + ": nothing to replay");
        }
        PrintWriter err = err();
        long[] lastPrint = {0};
        Summary s;
        try {
            s = ProjectorProcess.rebuild(ctx, only == null ? List.of() : only, (done, total, rate) -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] >= 1_000_000_000L || done >= total) {
                    lastPrint[0] = now;
                    err.println(String.format(Locale.ROOT, "replay: %d/%d events (%d%%), %.0f events/s",
                            done, total, total == 0 ? 100 : done * 100 / total, rate));
                    err.flush();
                }
            });
        } catch (ProjectorProcess.Failure e) {
            throw CommandFailure.of(e.busy() ? withoutAdvice(e.getMessage()) + "; stop the running projector first (cc off, or Ctrl-C on make run)"
                    : e.getMessage());
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("projections", s.projections());
            doc.put("applied", s.applied());
            doc.put("unreadable", s.unreadable());
            doc.put("last_index", s.lastIndex());
            doc.put("orphaned", s.orphaned());
            doc.put("seconds", s.nanos() / 1e9);
            Json.print(out(), doc);
        } else {
            out().println(String.format(Locale.ROOT, "replayed %d event(s) into %s in %.2f s (%.0f events/s)%s%s",
                    s.applied(), String.join(", ", s.projections()), s.nanos() / 1e9, s.eventsPerSecond(),
                    s.unreadable() > 0 ? "; " + s.unreadable() + " unreadable skipped" : "",
                    s.orphaned() > 0 ? "; " + s.orphaned() + " orphaned completion(s)" : ""));
        }
        return ExitCodes.OK;
    }

    /** The projector's own message ends in generic advice; replay gives its own, more precise one instead. */
    private static String withoutAdvice(String message) {
        int advice = message.indexOf("; stop it first");
        return advice < 0 ? message : message.substring(0, advice);
    }
}
