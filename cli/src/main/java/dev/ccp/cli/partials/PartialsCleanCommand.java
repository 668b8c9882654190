package dev.ccp.cli.partials;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.events.Durations;
import dev.ccp.cli.support.Formats;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cc partials clean}: removes the partial files (all, or those older than a duration). */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = "Remove logs/partials/*.partial (a replay of the log writes them again).")
public final class PartialsCleanCommand extends CcSubcommand {
    @Option(names = "--older-than", paramLabel = "DURATION",
            description = "Only files last written longer ago than this (e.g. 30m, 2h, 7d).")
    String olderThan;

    @Mixin
    JsonOption json;

    public PartialsCleanCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Duration minAge = olderThan == null ? Duration.ZERO : parseAge(olderThan);
        Path dir = ctx.paths().partialsDir();
        Instant now = ctx.clock().instant();
        int removed = 0;
        int kept = 0;
        long freed = 0;
        int failed = 0;
        String firstFailure = null;
        List<PartialFiles.Partial> partials = PartialFiles.list(dir);
        for (PartialFiles.Partial p : partials) {
            if (Duration.between(p.modified(), now).compareTo(minAge) < 0) {
                kept++;
                continue;
            }
            try {
                Files.delete(p.path());
                removed++;
                freed += p.bytes();
            } catch (NoSuchFileException gone) {
                // someone else removed it: that is what we wanted
            } catch (IOException e) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = p.path() + ": " + e.getMessage();
                }
            }
        }
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dir", dir.toString());
            doc.put("removed", removed);
            doc.put("freed_bytes", freed);
            doc.put("kept", kept);
            doc.put("failed", failed);
            Json.print(out(), doc);
        } else {
            out().println("removed " + removed + " partial file(s), " + Formats.bytes(freed) + " freed"
                    + (kept > 0 ? ", kept " + kept + " newer than " + olderThan : "") + " (" + dir + ")");
        }
        if (failed > 0) {
            throw CommandFailure.of("could not remove " + failed + " file(s); first: " + firstFailure);
        }
        return 0;
    }

    private static Duration parseAge(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.of("--older-than: " + e.getMessage());
        }
    }
}
