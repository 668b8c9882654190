package dev.ccp.cli.partials;

import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.Formats;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.cli.support.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cc partials}: what streams that broke had relayed, one file per request, with size and age. */
@Command(name = "partials", mixinStandardHelpOptions = true,
        description = {"List logs/partials/*.partial: what was relayed before a stream ended abruptly, per request.",
                "'cc partials clean' removes them once inspected."},
        subcommands = PartialsCleanCommand.class)
public final class PartialsCommand extends CcSubcommand {
    @Mixin
    JsonOption json;

    public PartialsCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    protected int run() throws IOException {
        Path dir = ctx.paths().partialsDir();
        List<PartialFiles.Partial> partials = PartialFiles.list(dir);
        Instant now = ctx.clock().instant();
        long total = partials.stream().mapToLong(PartialFiles.Partial::bytes).sum();
        if (json.on()) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (PartialFiles.Partial p : partials) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", p.name());
                item.put("req_id", p.reqId());
                item.put("bytes", p.bytes());
                item.put("modified", p.modified().toString());
                item.put("age_s", Math.max(0, Duration.between(p.modified(), now).toSeconds()));
                items.add(item);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dir", dir.toString());
            doc.put("count", partials.size());
            doc.put("total_bytes", total);
            doc.put("partials", items);
            Json.print(out(), doc);
            return 0;
        }
        if (partials.isEmpty()) {
            out().println("no partials under " + dir);
            return 0;
        }
        Table table = new Table("NAME", "SIZE", "AGE", "MODIFIED").alignRight(1, 2);
        for (PartialFiles.Partial p : partials) {
            table.row(p.name(), Formats.bytes(p.bytes()), Formats.age(Duration.between(p.modified(), now)),
                    p.modified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        table.print(out());
        out().println(partials.size() + " partial file(s), " + Formats.bytes(total) + " in " + dir);
        return 0;
    }
}
