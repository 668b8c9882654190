package dev.ccp.cli;

import dev.ccp.events.CcpPaths;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The training run behind {@code make build}'s class cache for {@code bin/cc}: runs the everyday
 * commands once each in a scratch install, so the JVM records the classes they load. The install is
 * first given a small log ({@code db import} of a few legacy lines) and its projections
 * ({@code summarize}, which runs bin/ccp-projector), so the commands that read them take their real
 * path (Chronicle, SQLite, Jackson) rather than stopping at "no projections yet": a class the training
 * did not load is read from its jar and verified at every start. Nothing it prints is kept, and it
 * touches no real install.
 */
public final class ClassCacheTraining {
    /** After the fixture: none changes a running proxy; {@code SCRATCH} stands for the scratch install's folder. */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"), List.of("--version"), List.of("env"), List.of("env", "--json"), List.of("env", "--mitm"),
            List.of("ca"), List.of("status"), List.of("status", "--json"), List.of("usage"), List.of("usage", "--cost"),
            List.of("providers"), List.of("providers", "--json"), List.of("model"), List.of("db", "status"),
            List.of("db", "status", "--json"), List.of("db", "export", "--csv", "SCRATCH/export.csv"),
            List.of("whatif", "--providers", "SCRATCH/catalog.yaml"), List.of("agg", "-dir", "SCRATCH/logs", "-out", "SCRATCH/agg"),
            List.of("verify-routing"), List.of("summarize", "--json"), List.of("partials"), List.of("license", "status"), List.of("dashboard"),
            List.of("samples"), List.of("completion"), List.of("db"), List.of("no-such-command"),
            List.of("model", "--no-such-option"),
            // A signing key first, so that license status and issue take their Ed25519 path.
            List.of("license", "keygen"), List.of("license", "status"),
            List.of("license", "issue", "--plan", "pro", "--days", "30", "--out", "SCRATCH/license.json"));

    private ClassCacheTraining() {
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException {
        Class.forName(Main.class.getName()); // bin/cc's entry point, which the run below does not go through
        Path scratch = Files.createTempDirectory("ccp-class-cache");
        CcpPaths paths = CcpPaths.under(scratch);
        Map<String, String> env = Map.of("HOME", scratch.toString(), "CCP_HOME", scratch.toString());
        CliContext ctx = new CliContext(env, paths, InstantSource.system());
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream());
        Path legacy = scratch.resolve("usage-legacy.jsonl");
        Files.write(legacy, legacyLines(Instant.now()));
        Files.writeString(scratch.resolve("catalog.yaml"), "routes:\n  - match: sonnet\n    provider: zai\n");
        List<List<String>> commands = new java.util.ArrayList<>();
        commands.add(List.of("db", "import", "--jsonl", legacy.toString()));
        commands.add(List.of("summarize"));
        commands.addAll(COMMANDS);
        // Every command's --help: what picocli loads to build and print each one.
        CcCommand.SUBCOMMANDS.keySet().forEach(name -> commands.add(List.of(name, "--help")));
        for (List<String> command : commands) {
            try {
                Cli.run(ctx, discard, discard, command.stream().map(a -> a.replace("SCRATCH", scratch.toString())).toArray(String[]::new));
            } catch (RuntimeException ignored) {
                // A command that fails here has still loaded what it needs.
            }
        }
        deleteTree(scratch);
    }

    /** A few requests of the legacy usage.jsonl shape, the last hour's, on both lanes. */
    private static List<String> legacyLines(Instant now) {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            boolean zai = i % 3 == 0;
            lines.add(String.format(java.util.Locale.ROOT,
                    "{\"ts\":\"%s\",\"req_id\":\"training-%d\",\"model\":\"%s\",\"lane\":\"%s\",\"status\":200,"
                            + "\"latency_ms\":%d,\"ttfb_ms\":%d,\"input_tokens\":%d,\"output_tokens\":%d}",
                    now.minusSeconds(300L * i).truncatedTo(ChronoUnit.SECONDS), i,
                    zai ? "claude-3-5-haiku-20241022" : "claude-sonnet-4-5", zai ? "zai" : "anthropic",
                    100 + i, 20 + i, 1000 + 7 * i, 50 + i));
        }
        return lines;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
