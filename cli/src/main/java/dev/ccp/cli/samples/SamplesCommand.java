package dev.ccp.cli.samples;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Table;
import dev.ccp.events.Clocks;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cc samples [REQ_ID]}: the request and response bodies sampled while body sampling was on
 * ({@code make tee-on}). They live only in the event log as {@code BodySampled} events, already capped
 * and stripped of credentials by the proxy, so this reads the log itself rather than a projection.
 */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = {"List the body samples taken while body sampling was on (make tee-on), or show one request's.",
                "Without REQ_ID: one line per sample (time, request, direction, bytes), the newest last.",
                "With REQ_ID: that request's sampled bodies in full, request first. Read from the event log."})
public final class SamplesCommand extends CcSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "REQ_ID", description = "Show this request's samples.")
    String reqId;

    @Option(names = "--last", paramLabel = "N", defaultValue = "50",
            description = "Without REQ_ID: list only the newest N samples (default 50; 0 = all).")
    int last;

    @Mixin
    JsonOption json;

    public SamplesCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() {
        if (last < 0) {
            throw CommandFailure.of("--last must be 0 or more, not " + last);
        }
        if (!Files.isDirectory(ctx.paths().queueDir())) {
            throw CommandFailure.of("no event log under " + ctx.paths().queueDir() + ": nothing sampled yet");
        }
        List<Event.BodySampled> samples = read();
        if (reqId != null) {
            return show(samples);
        }
        List<Event.BodySampled> shown = last == 0 || samples.size() <= last ? samples
                : samples.subList(samples.size() - last, samples.size());
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("count", samples.size());
            doc.put("samples", shown.stream().map(s -> summary(s, false)).toList());
            Json.print(out(), doc);
            return ExitCodes.OK;
        }
        if (samples.isEmpty()) {
            out().println("no body samples in the log (body sampling is off by default: make tee-on)");
            return ExitCodes.OK;
        }
        Table t = new Table("TIME", "REQ_ID", "DIRECTION", "BYTES", "TRUNCATED", "CONTENT_TYPE").alignRight(3);
        for (Event.BodySampled s : shown) {
            t.row(Clocks.instant(s.tsUs()), s.reqId(), s.direction(), s.bytes(), s.truncated() ? "yes" : "no", s.contentType());
        }
        t.print(out());
        out().println(samples.size() + " sample(s) in the log" + (shown.size() < samples.size()
                ? ", the newest " + shown.size() + " shown (--last 0 for all)" : "")
                + "; 'cc samples REQ_ID' shows one request's bodies");
        return ExitCodes.OK;
    }

    private int show(List<Event.BodySampled> samples) {
        List<Event.BodySampled> mine = new ArrayList<>();
        for (Event.BodySampled s : samples) {
            if (reqId.equals(s.reqId())) {
                mine.add(s);
            }
        }
        if (mine.isEmpty()) {
            throw CommandFailure.of("no body samples for " + reqId + " in the log (was body sampling on? make tee-on)");
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("req_id", reqId);
            doc.put("samples", mine.stream().map(s -> summary(s, true)).toList());
            Json.print(out(), doc);
            return ExitCodes.OK;
        }
        for (Event.BodySampled s : mine) {
            out().println("== " + s.direction() + " of " + s.reqId() + " at " + Clocks.instant(s.tsUs()) + ": " + s.bytes()
                    + " byte(s), " + s.contentType() + (s.truncated() ? ", truncated at the sampling cap" : ""));
            out().println(s.data() == null ? "" : s.data());
        }
        return ExitCodes.OK;
    }

    private static Map<String, Object> summary(Event.BodySampled s, boolean withData) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", Clocks.instant(s.tsUs()).toString());
        m.put("req_id", s.reqId());
        m.put("direction", s.direction());
        m.put("content_type", s.contentType());
        m.put("bytes", s.bytes());
        m.put("truncated", s.truncated());
        if (withData) {
            m.put("data", s.data());
        }
        return m;
    }

    private List<Event.BodySampled> read() {
        List<Event.BodySampled> out = new ArrayList<>();
        try (EventLog log = EventLog.open(ctx.paths().queueDir()); EventTailer tailer = log.fromStart()) {
            for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
                if (e instanceof LogEntry.Read(long index, Event.BodySampled s, String member)) {
                    out.add(s);
                }
            }
        } catch (RuntimeException e) {
            throw CommandFailure.of("cannot read the event log at " + ctx.paths().queueDir() + ": " + e.getMessage());
        }
        return out;
    }
}
