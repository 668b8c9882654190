package dev.ccp.cli.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.events.Event;
import dev.ccp.events.EventLog;
import dev.ccp.events.EventTailer;
import dev.ccp.events.LogEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cc db import --jsonl FILE}: each line of an old usage.jsonl becomes an {@code ImportedSample}
 * event appended to the log, so the log stays the one source of truth and a replay rebuilds everything.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a usage.jsonl of the earlier Go or mitm versions into the event log.",
                "Each line is appended as an ImportedSample event. Unreadable lines are reported with their line number and skipped.",
                "Lines already imported from the same file are not imported twice.",
                "Exit status: 0 when lines were imported (or there was nothing new), 1 when every line was",
                "unreadable (or, with --strict, when any was), 2 when the file or the log cannot be opened."})
public final class ImportCommand extends CcSubcommand {
    /** Problems listed one per line on stderr; the rest are counted. */
    static final int MAX_REPORTED = 50;

    @Option(names = "--jsonl", required = true, paramLabel = "FILE", description = "The usage.jsonl to import.")
    Path file;

    @Option(names = "--strict", description = "Exit 1 when any line was skipped.")
    boolean strict;

    @Mixin
    JsonOption json;

    public ImportCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Path input = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(input)) {
            throw CommandFailure.of("no such file: " + input);
        }
        String source = input.toRealPath().toString();
        ObjectMapper mapper = Json.mapper();
        LegacyUsageLine reader = new LegacyUsageLine(mapper, source);
        Path queueDir = ctx.paths().queueDir();
        int imported = 0;
        int already = 0;
        int redacted = 0;
        long lines = 0;
        List<Map<String, Object>> problems = new ArrayList<>();
        int skipped = 0;
        try (EventLog log = openLog(queueDir);
             BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(input),
                     StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                             .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            Set<Long> done = linesAlreadyImported(log, source);
            String text;
            while ((text = in.readLine()) != null) {
                lines++;
                if (text.isBlank()) {
                    continue;
                }
                if (done.contains(lines)) {
                    already++;
                    continue;
                }
                try {
                    LegacyUsageLine.Result r = reader.read(text, lines);
                    log.append(r.sample());
                    imported++;
                    redacted += r.redacted();
                } catch (LegacyUsageLine.Unreadable e) {
                    skipped++;
                    if (problems.size() < 1000) {
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("line", lines);
                        p.put("reason", e.getMessage());
                        problems.add(p);
                    }
                    if (!json.on() && skipped <= MAX_REPORTED) {
                        err().println("line " + lines + ": skipped: " + e.getMessage());
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw CommandFailure.of("no such file: " + e.getFile());
        }
        if (!json.on() && skipped > MAX_REPORTED) {
            err().println("… and " + (skipped - MAX_REPORTED) + " more unreadable line(s)");
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", source);
            doc.put("queue", queueDir.toString());
            doc.put("lines", lines);
            doc.put("imported", imported);
            doc.put("skipped", skipped);
            doc.put("already_imported", already);
            doc.put("redacted_fields", redacted);
            doc.put("problems", problems);
            Json.print(out(), doc);
        } else {
            out().println("imported " + imported + " line(s) from " + source + " into " + queueDir
                    + "; skipped " + skipped + " unreadable"
                    + (already > 0 ? "; " + already + " already imported before" : "")
                    + (redacted > 0 ? "; left out " + redacted + " key-shaped value(s)" : ""));
        }
        if (skipped > 0 && (imported == 0 && already == 0 || strict)) {
            return ExitCodes.CHECK_FAILED;
        }
        return ExitCodes.OK;
    }

    private static EventLog openLog(Path queueDir) {
        try {
            return EventLog.open(queueDir);
        } catch (RuntimeException e) {
            throw CommandFailure.of("cannot open the event log at " + queueDir + ": " + e.getMessage());
        }
    }

    /** Line numbers of {@code source} already in the log, so a second import of the same file adds nothing twice. */
    private static Set<Long> linesAlreadyImported(EventLog log, String source) {
        Set<Long> lines = new HashSet<>();
        try (EventTailer tailer = log.fromStart()) {
            for (LogEntry e = tailer.next(); e != null; e = tailer.next()) {
                if (e instanceof LogEntry.Read(long index, Event.ImportedSample s, var member) && source.equals(s.source())) {
                    lines.add(s.line());
                }
            }
        }
        return lines;
    }
}
