package dev.ccp.cli.agg;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccp.cli.CliContext;
import dev.ccp.cli.support.CcSubcommand;
import dev.ccp.cli.support.CommandFailure;
import dev.ccp.cli.support.ExitCodes;
import dev.ccp.cli.support.Json;
import dev.ccp.cli.support.JsonOption;
import dev.ccp.readmodel.LatencySketch;
import dev.ccp.readmodel.Reads;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code cc agg -dir DIR -out DIR}: the guide's cross-process aggregator. Merges the rollups of every SQLite
 * projection found under DIR (several installs, or several machines' copies) into rollup_hour.json and
 * rollup_day.json, shaped as the proxy's {@code /v1/usage/rollups} answers. Percentiles come from the merged
 * latency sketches, so they are those of the union, not an average of averages.
 */
@Command(name = "agg", mixinStandardHelpOptions = true,
        description = {"Merge the SQLite projections of several installs into rollup_hour.json and rollup_day.json.",
                "Every ccp SQLite projection (*.sqlite3) under DIR is read; OUT/rollup_hour.json and",
                "OUT/rollup_day.json are shaped as GET /v1/usage/rollups answers. Rows of the same bucket, model",
                "and lane are summed; p50/p95 come from the merged latency sketches."})
public final class AggCommand extends CcSubcommand {
    @Option(names = {"-dir", "--dir"}, required = true, paramLabel = "DIR", description = "Where to look for *.sqlite3 files (recursively).")
    Path dir;

    @Option(names = {"-out", "--out"}, required = true, paramLabel = "DIR", description = "Where to write rollup_hour.json and rollup_day.json.")
    Path outDir;

    @Mixin
    JsonOption json;

    public AggCommand(CliContext ctx) {
        super(ctx);
    }

    /** One merged bucket. */
    private static final class Bucket {
        long count;
        long errors;
        long input;
        long output;
        long cacheCreation;
        long cacheRead;
        final LatencySketch latency = new LatencySketch();
    }

    private record Key(long bucketStart, String model, String lane) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(bucketStart, o.bucketStart);
            if (c == 0) {
                c = model.compareTo(o.model);
            }
            return c != 0 ? c : lane.compareTo(o.lane);
        }
    }

    @Override
    protected int run() throws IOException {
        Path in = dir.toAbsolutePath().normalize();
        Path out = outDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            throw CommandFailure.of("no such folder: " + in);
        }
        List<Path> dbs;
        try (Stream<Path> files = Files.walk(in)) {
            dbs = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".sqlite3"))
                    .filter(p -> !p.startsWith(out))
                    .sorted().toList();
        }
        Map<String, TreeMap<Key, Bucket>> merged = new LinkedHashMap<>();
        merged.put("hour", new TreeMap<>());
        merged.put("day", new TreeMap<>());
        List<String> used = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path db : dbs) {
            try (Connection c = open(db)) {
                for (var g : merged.entrySet()) {
                    read(c, g.getKey(), g.getValue());
                }
                used.add(db.toString());
            } catch (SQLException e) {
                skipped.add(db + " (" + (String.valueOf(e.getMessage()).contains("no such table")
                        ? "no rollups: not a ccp projection" : e.getMessage()) + ")");
            }
        }
        if (used.isEmpty()) {
            throw CommandFailure.of("no ccp SQLite projection (*.sqlite3 with rollups) under " + in
                    + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped)));
        }
        Files.createDirectories(out);
        Map<String, Object> written = new LinkedHashMap<>();
        for (var g : merged.entrySet()) {
            Path file = out.resolve("rollup_" + g.getKey() + ".json");
            write(file, answer(g.getKey(), g.getValue()));
            written.put(g.getKey(), Map.of("file", file.toString(), "rows", g.getValue().size()));
        }
        skipped.forEach(s -> err().println("skipped " + s));
        if (json.on()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("databases", used);
            doc.put("skipped", skipped);
            doc.put("outputs", written);
            Json.print(out(), doc);
        } else {
            out().println("merged " + used.size() + " database(s) under " + in + ": " + merged.get("hour").size()
                    + " hour row(s) -> " + out.resolve("rollup_hour.json") + ", " + merged.get("day").size()
                    + " day row(s) -> " + out.resolve("rollup_day.json"));
        }
        return ExitCodes.OK;
    }

    private static Connection open(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(5_000);
        return config.createConnection("jdbc:sqlite:" + db);
    }

    private static void read(Connection c, String granularity, TreeMap<Key, Bucket> into) throws SQLException {
        try (PreparedStatement ps = Reads.allRollups(c, granularity);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Bucket b = into.computeIfAbsent(new Key(rs.getLong(1), rs.getString(2), rs.getString(3)), k -> new Bucket());
                b.count += rs.getLong(4);
                b.errors += rs.getLong(5);
                b.input += rs.getLong(6);
                b.output += rs.getLong(7);
                b.cacheCreation += rs.getLong(8);
                b.cacheRead += rs.getLong(9);
                // Straight into the bucket's sketch: a sketch read and then merged walked every bucket index
                // of the packed form once more per row.
                b.latency.addBytes(rs.getBytes(10));
            }
        }
    }

    /** The body {@code GET /v1/usage/rollups?granularity=G} would answer for the merged rows. */
    private static Map<String, Object> answer(String granularity, TreeMap<Key, Bucket> rows) {
        List<Map<String, Object>> list = new ArrayList<>();
        rows.forEach((k, b) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bucket", Instant.ofEpochSecond(k.bucketStart()).toString());
            r.put("bucket_start", k.bucketStart());
            r.put("model", k.model());
            r.put("lane", k.lane());
            r.put("count", b.count);
            r.put("errors", b.errors);
            r.put("input_tokens", b.input);
            r.put("output_tokens", b.output);
            r.put("cache_creation_input_tokens", b.cacheCreation);
            r.put("cache_read_input_tokens", b.cacheRead);
            r.put("latency_p50_ms", b.latency.count() == 0 ? null : b.latency.percentile(0.50) / 1000.0);
            r.put("latency_p95_ms", b.latency.count() == 0 ? null : b.latency.percentile(0.95) / 1000.0);
            list.add(r);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("granularity", granularity);
        body.put("since", null);
        body.put("model", null);
        body.put("count", list.size());
        body.put("rollups", list);
        return body;
    }

    private static void write(Path file, Object body) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(body) + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
